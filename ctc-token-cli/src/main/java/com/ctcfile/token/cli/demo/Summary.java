package com.ctcfile.token.cli.demo;

import com.ctcfile.token.core.TokenStatus;
import com.ctcfile.token.cli.demo.NodeStats.NodeTally;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The end of a demo run: the table per node, the renewal-cycle arithmetic, and the verdict. The run
 * passes when the token server issued at most one token per whole renewal cycle plus the first one,
 * no call failed, and every node made calls. Immutable.
 */
final class Summary {

  private final Demo.Settings settings;
  private final Duration elapsed;
  private final List<NodeTally> nodes;
  private final int issued;
  private final int accepted;
  private final int rejected;
  private final List<String> statuses;

  /**
   * @param elapsed how long the nodes called, from the first call to the last caller's stop
   * @param issued tokens the server issued in that time: every fetch of every node
   * @param accepted calls the server's protected API answered with 200
   * @param rejected calls it answered with 401
   */
  Summary(Demo.Settings settings, Duration elapsed, List<NodeTally> nodes, int issued, int accepted, int rejected) {
    this(settings, elapsed, nodes, issued, accepted, rejected, List.of());
  }

  /**
   * @param statuses each node's name and {@link TokenStatus} line at the end of the run, printed as
   *     {@code ctc-token status} prints them
   */
  Summary(Demo.Settings settings, Duration elapsed, List<NodeTally> nodes, int issued, int accepted, int rejected,
      List<String> statuses) {
    this.statuses = List.copyOf(statuses);
    this.settings = settings;
    this.elapsed = elapsed;
    this.nodes = List.copyOf(nodes);
    this.issued = issued;
    this.accepted = accepted;
    this.rejected = rejected;
  }

  /** Whole renewal cycles in the run. */
  long cycles() {
    return elapsed.toMillis() / settings.cycle().toMillis();
  }

  /** The most fetches a run may have: one per whole cycle, plus the first token. */
  long allowedFetches() {
    return cycles() + 1;
  }

  long failures() {
    return nodes.stream().mapToLong(NodeTally::failures).sum();
  }

  boolean everyNodeCalled() {
    return nodes.stream().allMatch(node -> node.calls() > 0);
  }

  boolean passed() {
    return issued <= allowedFetches() && failures() == 0 && everyNodeCalled();
  }

  void print(PrintWriter out, Symbols symbols) {
    String row = "%-12s %-38s %9s %12s %9s %8s %8s %14s%n";
    out.println();
    out.printf(Locale.ROOT, row, "node", "integration", "calls", "401s healed", "failures", "fetches", "adopted",
        "versions seen");
    for (NodeTally node : nodes) {
      out.printf(Locale.ROOT, row, node.name(), node.integration(), count(node.calls()), count(node.healed()),
          count(node.failures()), count(node.fetches()), count(node.adopted()), count(node.versionsSeen()));
    }
    long healed = nodes.stream().mapToLong(NodeTally::healed).sum();
    long seen401 = nodes.stream().mapToLong(NodeTally::rejections).sum();
    long fetches = nodes.stream().mapToLong(NodeTally::fetches).sum();
    out.println(String.format(Locale.ROOT, row, "all nodes", "",
        count(nodes.stream().mapToLong(NodeTally::calls).sum()), count(healed), count(failures()), count(fetches), "",
        "").stripTrailing());
    if (!statuses.isEmpty()) {
      out.println();
      out.println("token status at the end:");
      statuses.forEach(line -> out.println("  " + line));
    }
    out.println();
    out.println("token server: " + count(issued) + (issued == 1 ? " token" : " tokens") + " issued, "
        + count(accepted) + " calls accepted, " + count(rejected) + " answered 401"
        + (rejected == 0 ? "" : healed == rejected && seen401 == rejected
            ? " (each one healed by the node's bearer integration, which replayed the call with the new token)"
            : " (the nodes healed " + count(healed) + " of them)"));
    out.println("renewal cycle = lifetime " + TokenStatus.describe(settings.lifetime()) + " " + symbols.minus()
        + " refreshAhead " + TokenStatus.describe(settings.refreshAhead()) + " = " + TokenStatus.describe(settings.cycle())
        + "; the run took " + TokenStatus.describe(elapsed) + " = " + cycles() + " whole cycles");
    List<String> failed = new ArrayList<>();
    boolean fetchesOk = issued <= allowedFetches();
    out.println("  fetches " + issued + " " + (fetchesOk ? symbols.atMost() : ">") + " cycles+1 = "
        + allowedFetches() + "   " + symbols.verdict(fetchesOk));
    if (!fetchesOk) {
      failed.add("fetches " + issued + " > cycles+1 = " + allowedFetches()
          + ": the fleet fetched more than one token per renewal cycle");
    }
    boolean failuresOk = failures() == 0;
    out.println("  failures " + failures() + (failuresOk ? " = 0" : " > 0") + "   " + symbols.verdict(failuresOk));
    if (!failuresOk) {
      NodeTally first = nodes.stream().filter(node -> node.firstFailure() != null).findFirst().orElse(null);
      failed.add(failures() + " calls failed" + (first == null ? "" : "; the first on " + first.name() + ": "
          + first.firstFailure()));
    }
    boolean calledOk = everyNodeCalled();
    out.println("  every node made calls   " + symbols.verdict(calledOk));
    for (NodeTally node : nodes) {
      if (node.calls() == 0) {
        failed.add("node " + node.name() + " made no calls");
      }
    }
    if (failed.isEmpty()) {
      out.println("PASS: " + nodes.size() + " nodes, one per HTTP stack, fetched one token per renewal cycle between"
          + " them, and no call failed.");
    } else {
      for (String reason : failed) {
        out.println("FAIL: " + reason);
      }
    }
    out.flush();
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
