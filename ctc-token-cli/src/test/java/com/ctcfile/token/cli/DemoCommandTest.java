package com.ctcfile.token.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ctc-token demo} as CI runs it: a short run with short tokens, its summary read back. Three
 * nodes on four HTTP stacks, one database, a strict server: at most one fetch per renewal cycle,
 * every 401 healed, no failed call.
 */
class DemoCommandTest {

  private static final Pattern NODE_ROW = Pattern.compile(
      "(?m)^(httpclient5|vertx|micronaut|spring) .+?\\s+([\\d,]+)\\s+([\\d,]+)\\s+([\\d,]+)\\s+([\\d,]+)\\s+([\\d,]+)\\s+([\\d,]+)$");
  private static final Pattern FETCHES = Pattern.compile("fetches (\\d+) ≤ cycles\\+1 = (\\d+)");
  private static final Pattern SERVER = Pattern.compile("token server: (\\d+) tokens? issued, ([\\d,]+) calls accepted,"
      + " ([\\d,]+) answered 401");

  @TempDir
  Path home;

  @Test
  void aShortRunFetchesOncePerRenewalCycleAndNoCallFails() {
    Cli.Result result = new Cli(home).run("demo", "--duration", "6s", "--lifetime", "2s");

    assertThat(result.status()).as(result.toString()).isZero();
    assertThat(result.err()).isEmpty();
    String out = result.out();
    assertThat(out).contains("renewal cycle = lifetime 2 s − refreshAhead 400 ms = 1.6 s")
        .contains("PASS:");

    Matcher fetches = FETCHES.matcher(out);
    assertThat(fetches.find()).as(out).isTrue();
    int issued = Integer.parseInt(fetches.group(1));
    int allowed = Integer.parseInt(fetches.group(2));
    assertThat(issued).isBetween(1, allowed);
    assertThat(allowed).as(out + "\n6 s of 1.6 s cycles: 3 whole cycles, plus the first token").isEqualTo(4);

    Map<String, long[]> nodes = new HashMap<>();
    Matcher row = NODE_ROW.matcher(out);
    while (row.find()) {
      long[] counts = new long[6];
      for (int i = 0; i < 6; i++) {
        counts[i] = Long.parseLong(row.group(i + 2).replace(",", ""));
      }
      nodes.put(row.group(1), counts);
    }
    assertThat(nodes).as(out).containsOnlyKeys("httpclient5", "vertx", "micronaut", "spring");
    assertThat(out).contains("four services").contains("token status at the end:");
    for (String node : nodes.keySet()) {
      assertThat(out).as("the status line of " + node).containsPattern(
          "(?m)^  " + node + " +ctc-token-demo@127\\.0\\.0\\.1:\\d+: (valid|renewing), version \\d+, expires in ");
    }
    long healed = 0;
    long fetchedByNodes = 0;
    for (Map.Entry<String, long[]> node : nodes.entrySet()) {
      long[] c = node.getValue();
      assertThat(c[0]).as(node.getKey() + " calls").isPositive();
      assertThat(c[2]).as(node.getKey() + " failures").isZero();
      assertThat(c[5]).as(node.getKey() + " versions seen").isPositive();
      healed += c[1];
      fetchedByNodes += c[3];
    }
    assertThat(fetchedByNodes).as("the server's count is the nodes' fetches together").isEqualTo(issued);

    Matcher server = SERVER.matcher(out);
    assertThat(server.find()).as(out).isTrue();
    assertThat(healed).as("every 401 the server sent was seen and healed by one of the nodes")
        .isEqualTo(Long.parseLong(server.group(3).replace(",", "")));
  }

  @Test
  void refusesALifetimeThatIsNotWholeSeconds() {
    Cli.Result result = new Cli(home).run("demo", "--lifetime", "1500ms");

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err().lines()).hasSize(1);
    assertThat(result.err()).contains("--lifetime");
  }

  @Test
  void refusesADurationItCannotRead() {
    Cli.Result result = new Cli(home).run("demo", "--duration", "soon");

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err().lines()).hasSize(1);
    assertThat(result.err()).contains("--duration");
  }
}
