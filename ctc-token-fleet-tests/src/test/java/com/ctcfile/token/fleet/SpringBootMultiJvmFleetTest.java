package com.ctcfile.token.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.testkit.FakeCtcServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Spring Boot applications ({@link SpringBootFleetNode}, two JVMs) on one database, configured
 * only by {@code ctc.token.*} properties with {@code store=jdbc}: PostgreSQL when
 * {@code CTC_TEST_POSTGRES_URL} is set (and always under {@code CI=true}, where its absence fails the
 * test), H2 in server mode otherwise. Like {@link AbstractMultiJvmFleetTest}'s fleet: 2 s tokens for
 * about 20 s, at most one fetch per renewal cycle between them (plus the first), no call failing after
 * the interceptor's one replay, no version going back.
 */
class SpringBootMultiJvmFleetTest extends FleetTestBase {

  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration STOP = Duration.ofSeconds(60);

  @Override
  FleetDatabase openDatabase() {
    String url = System.getenv("CTC_TEST_POSTGRES_URL");
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    return (url != null && !url.isBlank()) || ci || System.getProperty("ctc.test.postgres.url") != null
        ? FleetDatabase.postgres() : FleetDatabase.h2();
  }

  @Test
  void twoSpringBootApplicationsFetchOncePerRenewalCycleAndNoCallFails(@TempDir Path workDir) throws Exception {
    Duration lifetime = Duration.ofSeconds(2);
    Duration cycle = Duration.ofMillis(1600);
    Duration run = Duration.ofSeconds(20);
    FakeCtcServer server = FakeCtcServer.builder()
        .clientId("spring-fleet-" + UUID.randomUUID().toString().substring(0, 8))
        .clientSecret(UUID.randomUUID().toString())
        .tokenLifetime(lifetime)
        .build()
        .start();
    resources.add(server);
    String table = database.newTable();
    tables.add(table);
    NodeProcess.Config config = new NodeProcess.Config(database.url(), table, server.endpoint().toString(),
        server.clientId(), server.clientSecret(), 3, 20, Duration.ofSeconds(30), Duration.ofSeconds(10), null, Map.of());
    String runId = UUID.randomUUID().toString().substring(0, 8);
    List<NodeProcess> nodes = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      NodeProcess node = NodeProcess.start("spring" + i + "-" + runId, config, workDir, SpringBootFleetNode.class);
      resources.add(node);
      nodes.add(node);
    }
    for (NodeProcess node : nodes) {
      node.awaitReady(START);
    }

    long started = System.nanoTime();
    nodes.forEach(NodeProcess::go);
    Thread.sleep(run.toMillis());
    List<Map<String, String>> results = new ArrayList<>();
    for (NodeProcess node : nodes) {
      results.add(node.stop(STOP));
    }
    Duration window = Duration.ofNanos(System.nanoTime() - started);
    long cycles = window.toMillis() / cycle.toMillis();
    long calls = results.stream().mapToLong(result -> Long.parseLong(result.get("calls"))).sum();
    long failures = results.stream().mapToLong(result -> Long.parseLong(result.get("failures"))).sum();

    Figures figures = new Figures("springBootMultiJvm", database).put("nodes", nodes.size())
        .put("windowMillis", window.toMillis()).put("cycles", cycles).put("fetches", server.fetches())
        .put("calls", calls).put("failedAfterReplay", failures).put("rejected401", server.rejected());
    for (int i = 0; i < nodes.size(); i++) {
      Map<String, String> result = results.get(i);
      figures.put("node" + i, "calls:" + result.get("calls") + ",failures:" + result.get("failureKinds")
          + ",fetches:" + result.get("fetches") + ",adopted:" + result.get("adopted") + ",versions:"
          + result.get("versions"));
    }
    figures.print();

    assertThat(results).as("what each application reported").allSatisfy(result -> {
      assertThat(result.get("failures")).as("calls that failed after the replay: %s", result.get("failureKinds"))
          .isEqualTo("0");
      assertThat(result.get("backwards")).as("versions that went back").isEqualTo("0");
      assertThat(result.get("leaseLost")).as("leases lost").isEqualTo("0");
      assertThat(Long.parseLong(result.get("calls"))).isPositive();
      assertThat(versions(result)).isSorted().doesNotHaveDuplicates();
    });
    assertThat(server.fetches()).as("fetches in %s: %d renewal cycles of %s", window, cycles, cycle)
        .isLessThanOrEqualTo((int) cycles + 1)
        .isGreaterThanOrEqualTo(10)
        .isEqualTo((int) results.stream().mapToLong(result -> Long.parseLong(result.get("fetches"))).sum());
    assertThat(results).as("both applications fetched: the lease moves between them")
        .allSatisfy(result -> assertThat(Long.parseLong(result.get("adopted"))).isPositive());
    assertThat(server.accepted()).as("calls the API accepted, at the first try or at the replay after a 401")
        .isEqualTo((int) calls);
  }

  private static List<Long> versions(Map<String, String> result) {
    String versions = result.get("versions");
    return "-".equals(versions) ? List.of() : Arrays.stream(versions.split(",")).map(Long::valueOf).toList();
  }
}
