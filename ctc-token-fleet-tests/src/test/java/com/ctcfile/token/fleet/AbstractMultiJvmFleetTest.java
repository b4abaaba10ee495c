package com.ctcfile.token.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.testkit.Fault;
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
 * Fleets of three JVM processes ({@link FleetNode}) sharing one database, each with several threads
 * calling a strict {@link FakeCtcServer} (in this JVM) through the HttpClient 5 bearer integration:
 * the fleet as deployed, and the crash of the node renewing the token. One concrete subclass per
 * database.
 */
abstract class AbstractMultiJvmFleetTest extends FleetTestBase {

  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration STOP = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(2);

  /**
   * The multi-JVM fleet guarantee (docs/ARCHITECTURE.md, fleet protocol): three processes, 2 s tokens (renewed every 1.6 s with the default
   * refresh-ahead), for more than ten lifetimes. The whole fleet fetches at most once per renewal cycle
   * (plus the first fetch), no call fails after the integration's one replay of a 401, and no node
   * ever sees a version go back.
   */
  @Test
  void threeJvmsFetchOncePerRenewalCycleAndNoCallFails(@TempDir Path workDir) throws Exception {
    Duration lifetime = Duration.ofSeconds(2);
    Duration cycle = Duration.ofMillis(1600);
    Duration run = Duration.ofSeconds(21);
    FakeCtcServer server = server(lifetime);
    List<NodeProcess> nodes = startNodes(workDir, server, table(), 3,
        new Settings(3, 20, Duration.ofSeconds(30), Duration.ofSeconds(10), null));

    long started = System.nanoTime();
    nodes.forEach(NodeProcess::go);
    Thread.sleep(run.toMillis());
    List<Map<String, String>> results = new ArrayList<>();
    for (NodeProcess node : nodes) {
      results.add(node.stop(STOP));
    }
    // from the first call any node could make to the last manager closed: a bound on when fetches happened
    Duration window = Duration.ofNanos(System.nanoTime() - started);
    long cycles = window.toMillis() / cycle.toMillis();
    double lifetimes = (double) window.toMillis() / lifetime.toMillis();
    long calls = sum(results, "calls");
    long failures = sum(results, "failures");
    long statements = sum(results, "queries") + sum(results, "updates");

    Figures figures = new Figures("multiJvm", database).put("nodes", nodes.size())
        .put("windowMillis", window.toMillis()).put("lifetimes", lifetimes).put("cycles", cycles)
        .put("fetches", server.fetches()).put("fetchesPerLifetime", server.fetches() / lifetimes)
        .put("fetchesPerCycle", server.fetches() / (window.toMillis() / (double) cycle.toMillis()))
        .put("calls", calls).put("failedAfterReplay", failures).put("rejected401", server.rejected())
        .put("healed401", server.rejected() - failures)
        .put("statementsPerNodePerLifetime", statements / (double) nodes.size() / lifetimes)
        .put("queriesPerNodePerLifetime", sum(results, "queries") / (double) nodes.size() / lifetimes);
    for (int i = 0; i < nodes.size(); i++) {
      Map<String, String> result = results.get(i);
      figures.put("node" + i, "calls:" + result.get("calls") + ",failures:" + result.get("failureKinds")
          + ",fetches:" + result.get("fetches") + ",reasons:" + result.get("fetchReasons")
          + ",shortestRefetchMillis:" + result.get("shortestRefetchMillis") + ",queries:" + result.get("queries")
          + ",updates:" + result.get("updates") + ",versions:" + result.get("versions"));
    }
    figures.print();

    assertThat(results).as("what each node reported").allSatisfy(result -> {
      assertThat(result.get("failures")).as("calls that failed after the replay: %s", result.get("failureKinds"))
          .isEqualTo("0");
      assertThat(result.get("backwards")).as("versions that went back").isEqualTo("0");
      assertThat(result.get("leaseLost")).as("leases lost").isEqualTo("0");
      assertThat(versions(result)).as("versions seen in order").isSorted().doesNotHaveDuplicates();
      assertThat(Long.parseLong(result.get("calls"))).isPositive();
      assertThat(Long.parseLong(result.get("shortestRefetchMillis")))
          .as("shortest time between two fetches the node started (%s)", result.get("fetchReasons"))
          .matches(gap -> gap < 0 || gap >= cycle.toMillis() - 50,
              "at least a renewal cycle, or -1 for one fetch or none");
    });
    assertThat(server.fetches()).as("fetches in %s: %d renewal cycles of %s", window, cycles, cycle)
        .isLessThanOrEqualTo((int) cycles + 1)
        .isGreaterThanOrEqualTo(10)
        .isEqualTo((int) sum(results, "fetches"));
    assertThat(server.accepted()).as("calls the API accepted, at the first try or at the replay after a 401")
        .isEqualTo((int) calls);
    for (Map<String, String> result : results) {
      // the newest version a node saw is one of the last two the fleet published: no node fell behind
      List<Long> seen = versions(result);
      assertThat(seen.get(seen.size() - 1)).isGreaterThanOrEqualTo(server.fetches() - 1L);
    }
  }

  /**
   * Kill -9 the node holding the lease while its fetch is slow: another node renews within the lease
   * time plus one poll, and callers see no failure while the old token was valid.
   *
   * <p>Tokens live 12 s and are renewed 6 s before expiry; the lease is 3 s (fetch timeout 2 s, poll
   * interval the default 200 ms). The
   * first node to renew gets a fetch that hangs; it is killed while it holds the lease. The survivors
   * keep serving the old token, which stays valid because the hung fetch never issues a new one, and
   * one of them renews as soon as the dead node's lease runs out: no earlier (the lease is never taken
   * while live) and no later than one poll after it (plus the fetch), by the database's clock.
   */
  @Test
  void whenTheLeaseHolderIsKilledMidFetchAnotherNodeRenewsOnceItsLeaseRunsOut(@TempDir Path workDir)
      throws Exception {
    Duration lifetime = Duration.ofSeconds(12);
    Duration lease = Duration.ofSeconds(3);
    FakeCtcServer server = server(lifetime);
    String table = table();
    List<NodeProcess> nodes = startNodes(workDir, server, table, 3,
        new Settings(2, 20, lease, FETCH_TIMEOUT, lifetime.dividedBy(2)));

    nodes.forEach(NodeProcess::go);
    await("version 1 on every node").atMost(START).pollInterval(Duration.ofMillis(50))
        .until(() -> nodes.stream().allMatch(node -> node.latestVersion() >= 1));
    assertThat(server.fetches()).isEqualTo(1);

    // the next token request hangs far beyond the test; the server drops it unanswered when closed
    server.enqueue(Fault.delay(Duration.ofMinutes(10)));
    await("a renewal's fetch reaching the server").atMost(lifetime).pollInterval(Duration.ofMillis(10))
        .until(server::tokenRequests, requests -> requests == 2);
    FleetDatabase.Row leased = database.row(table).orElseThrow();
    NodeProcess holder = nodes.stream().filter(node -> node.nodeId().equals(leased.leaseOwner())).findFirst()
        .orElseThrow(() -> new AssertionError("lease owner " + leased.leaseOwner() + " is none of the nodes"));
    holder.kill();
    List<NodeProcess> survivors = new ArrayList<>(nodes);
    survivors.remove(holder);
    assertThat(database.row(table)).as("the node died holding its lease, its fetch under way").contains(leased);

    FleetDatabase.Row renewed = await("a survivor renewing").atMost(lease.plusSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> database.row(table).orElseThrow(), row -> row.version() == 2);
    await("version 2 on the survivors").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> survivors.stream().allMatch(node -> node.latestVersion() >= 2));
    Thread.sleep(1_000); // calls with the new token, 401s of the old one healed
    List<Map<String, String>> results = new ArrayList<>();
    for (NodeProcess survivor : survivors) {
      results.add(survivor.stop(STOP));
    }
    Duration afterLease = Duration.ofMillis(renewed.fetchedAt().getTime() - leased.leaseUntil().getTime());

    new Figures("crash", database).put("renewedAfterDeadLeaseMillis", afterLease.toMillis())
        .put("fetches", server.fetches()).put("tokenRequests", server.tokenRequests())
        .put("survivorCalls", sum(results, "calls")).put("survivorFailures", sum(results, "failures"))
        .put("rejected401", server.rejected()).print();
    for (NodeProcess survivor : survivors) {
      System.out.println("FLEET-EVENTS " + survivor.nodeId() + ": " + String.join("; ", survivor.events()));
    }

    // no sooner than the dead lease ran out; no later than one poll to notice, then at most the fetch
    // timeout for the survivor's own fetch under its new lease
    assertThat(afterLease).as(() -> "renewed after the dead node's lease ran out, by the database's clock;"
            + survivors.get(0).diagnostics() + survivors.get(1).diagnostics())
        .isBetween(Duration.ZERO, POLL.plus(FETCH_TIMEOUT));
    assertThat(results).as("what the surviving nodes' callers got").allSatisfy(result -> {
      assertThat(result.get("failures")).as("failed calls: %s", result.get("failureKinds")).isEqualTo("0");
      assertThat(versions(result)).containsExactly(1L, 2L);
      assertThat(result.get("leaseLost")).isEqualTo("0");
    });
    assertThat(server.fetches()).as("tokens issued: the first, and the survivor's").isEqualTo(2);
    assertThat(server.tokenRequests()).as("token requests: the first, the dead node's, the survivor's")
        .isEqualTo(3);
  }

  // ---- helpers

  /** What every node of one test is configured with. */
  record Settings(int threads, long paceMillis, Duration lease, Duration fetchTimeout, Duration refreshAhead) {}

  /** Starts {@code count} nodes on {@code table} and waits until each is ready to call; none calls yet. */
  private List<NodeProcess> startNodes(Path workDir, FakeCtcServer server, String table, int count,
      Settings settings) {
    NodeProcess.Config config = new NodeProcess.Config(database.url(), table, server.endpoint().toString(),
        server.clientId(), server.clientSecret(), settings.threads(), settings.paceMillis(), settings.lease(),
        settings.fetchTimeout(), settings.refreshAhead(), Map.of());
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<NodeProcess> nodes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      NodeProcess node = NodeProcess.start("node" + i + "-" + run, config, workDir);
      resources.add(node);
      nodes.add(node);
    }
    for (NodeProcess node : nodes) {
      node.awaitReady(START);
    }
    return nodes;
  }

  /** A table of this test's own, dropped after it; the nodes create it. */
  private String table() {
    String table = database.newTable();
    tables.add(table);
    return table;
  }

  private FakeCtcServer server(Duration lifetime) {
    FakeCtcServer server = FakeCtcServer.builder()
        .clientId("fleet-" + UUID.randomUUID().toString().substring(0, 8))
        .clientSecret(UUID.randomUUID().toString())
        .tokenLifetime(lifetime)
        .build()
        .start();
    resources.add(server);
    return server;
  }

  private static List<Long> versions(Map<String, String> result) {
    String versions = result.get("versions");
    return "-".equals(versions) ? List.of() : Arrays.stream(versions.split(",")).map(Long::valueOf).toList();
  }

  private static long sum(List<Map<String, String>> results, String key) {
    return results.stream().mapToLong(result -> Long.parseLong(result.get(key))).sum();
  }
}
