package com.ctcfile.token.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.testkit.Fault;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The faults that happen to one process of a fleet, on fleets of JVM processes ({@link FleetNode})
 * sharing one database: a rolling restart that closes the node whose fetch is slow, and a network
 * path to the database that goes dark under one node. Each node calls the {@link FakeCtcServer}'s
 * protected endpoint through the HttpClient 5 bearer integration, so 401s and replays are real, and
 * reports, after its manager's {@code close()}, the threads the library started that are still alive:
 * in a process of its own, a thread name says whose it is. One concrete subclass per database.
 *
 * <p>Times a node reports are wall-clock milliseconds of the same machine, so they compare with the
 * test's own. The one wall-clock bound asserted is the recovery the fleet protocol promises,
 * measured from the fault to the first call or token of the recovered node.
 */
abstract class AbstractMultiJvmFaultTest extends FleetTestBase {

  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration STOP = Duration.ofSeconds(60);
  private static final Duration RECOVERY_BOUND = AbstractInProcessFaultTest.RECOVERY_BOUND;

  /**
   * The JDBC URL of a node whose path to the database runs through a proxy on {@code proxyPort}: the
   * database's URL with the proxy's address and nothing else, so the driver's {@code socketTimeout}
   * stays 0 and only the store's abort ({@link java.sql.Connection#abort}) ends a statement stuck on a
   * dark connection.
   */
  String darkPathUrl(int proxyPort) {
    return database.urlVia(proxyPort);
  }

  /**
   * A rolling restart, twice, each time closing the node whose renewal is fetching slowly (3 nodes,
   * 6 s tokens renewed half-way, fetch timeout 800 ms, lease 3 s, store timeout and settle period
   * their defaults: the lease and the fetch timeout).
   *
   * <p>First the fetch is slow but within the fetch timeout (400 ms): {@code close()} lets it finish
   * and publish, and the two others switch to that token. Documented window: none; recovery: the
   * survivors hold the new token within 2 s of the {@code close()}.
   *
   * <p>Then the fetch hangs: {@code close()} waits for it until the fetch timeout, aborts it and
   * releases the lease with a settle period recorded in the store; the last node renews once the
   * settle ends, its token still valid meanwhile. Documented window: none; recovery: within 2 s plus
   * the settle period of the {@code close()}. The server issued three tokens for four token requests.
   */
  @Test
  void aRollingRestartDuringSlowFetchesLeavesTheFleetOnATokenTheServerAccepts(@TempDir Path workDir) {
    Duration lifetime = Duration.ofSeconds(6);
    Duration fetchTimeout = Duration.ofMillis(800);
    FakeCtcServer server = server(lifetime);
    String table = table();
    JdbcTokenStore observer = observer(table);
    TokenKey key = TokenKey.of(server.endpoint(), server.clientId());
    NodeProcess.Config config = config(server, table, 2, Duration.ofSeconds(3), fetchTimeout, lifetime.dividedBy(2));
    List<NodeProcess> nodes = startNodes(workDir, "restart", List.of(config, config, config));
    goAndAwaitFirstToken(server, nodes);

    // a fetch slower than usual, within the fetch timeout
    server.enqueue(Fault.delay(Duration.ofMillis(400)));
    await("the first renewal's request at the server").atMost(lifetime).pollInterval(Duration.ofMillis(5))
        .until(() -> server.tokenRequests() >= 2);
    NodeProcess first = leaseHolder(observer, key, nodes);
    long firstClosed = System.currentTimeMillis();
    Map<String, String> firstResult = first.stop(STOP);
    List<NodeProcess> survivors = new ArrayList<>(nodes);
    survivors.remove(first);
    StoredToken published = read(observer, key);
    long firstRecovered = await("the survivors on the token published during close()").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> latestSeen(survivors, published.version()), seen -> seen > 0);

    // a fetch that hangs past the fetch timeout: never answered (the server drops it when it closes)
    server.enqueue(Fault.delay(Duration.ofMinutes(10)));
    await("the second renewal's request at the server").atMost(lifetime.plusSeconds(2))
        .pollInterval(Duration.ofMillis(5)).until(() -> server.tokenRequests() >= 3);
    NodeProcess second = leaseHolder(observer, key, survivors);
    long secondClosed = System.currentTimeMillis();
    second.requestStop();
    // read as soon as close() released the lease, not once the process is gone: the settle period is short
    StoredToken released = await("the aborted fetch's lease released").atMost(STOP).pollInterval(Duration.ofMillis(5))
        .until(() -> read(observer, key), row -> !row.isLeased());
    long settleEnd = System.currentTimeMillis() + released.settleIn().toMillis();
    Map<String, String> secondResult = second.awaitResult(STOP);
    NodeProcess last = survivors.get(survivors.get(0) == second ? 1 : 0);
    long secondRecovered = await("the last node on a token of its own").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> last.versionSeenAt(published.version() + 1).orElse(0), seen -> seen > 0);
    StoredToken renewed = await("the last node's token published").atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(10)).until(() -> read(observer, key), row -> !row.isLeased());
    boolean accepted = server.currentToken().equals(renewed.value());
    sleep(Duration.ofMillis(300));
    Map<String, String> lastResult = last.stop(STOP);
    List<Long> lastFetches = fetchStarts(last);

    new Figures("fault:rollingRestart", database)
        .put("finishedRecoveryMillis", firstRecovered - firstClosed)
        .put("abortedRecoveryMillis", secondRecovered - secondClosed)
        .put("settleMillis", released.settleIn().toMillis())
        .put("closeMillis", firstResult.get("closeMillis") + "," + secondResult.get("closeMillis"))
        .put("fetches", server.fetches()).put("tokenRequests", server.tokenRequests())
        .put("calls", sum(List.of(firstResult, secondResult, lastResult), "calls"))
        .put("failedAfterReplay", sum(List.of(firstResult, secondResult, lastResult), "failures"))
        .put("rejected401", server.rejected())
        .put("threadsLeft", firstResult.get("threadsLeft") + ";" + secondResult.get("threadsLeft") + ";"
            + lastResult.get("threadsLeft"))
        .put("warn", WarnLog.describe(warnings(nodes))).print();

    assertThat(firstResult.get("leaseAtClose")).as("the first node held the lease as close() began").isEqualTo("true");
    assertThat(published.version()).as("the token the first node published during close()").isEqualTo(2);
    assertThat(events(first)).as("the first node's events").anyMatch(e -> e.contains("fetched v2"));
    assertThat(Duration.ofMillis(firstRecovered - firstClosed)).as("from close() to both survivors on version 2")
        .isLessThan(RECOVERY_BOUND);
    assertThat(secondResult.get("leaseAtClose")).isEqualTo("true");
    assertThat(released.isLeased()).as("the aborted fetch's lease, released by close()").isFalse();
    assertThat(released.lastError()).contains("transport");
    assertThat(released.settleIn()).as("the settle period recorded in the store").isPositive();
    assertThat(lastFetches).as("the last node fetched no sooner than the settle ended")
        .allMatch(started -> started >= settleEnd - 50 || started < secondClosed);
    assertThat(Duration.ofMillis(secondRecovered - secondClosed))
        .as("from close() to the last node on a token of its own").isLessThan(RECOVERY_BOUND.plus(fetchTimeout));
    assertThat(accepted).as("the store ends on the token the server accepts").isTrue();
    assertThat(server.fetches()).as("tokens issued: the first, the one published in close(), the last node's")
        .isEqualTo(3);
    assertThat(server.tokenRequests()).as("token requests: those three and the aborted one").isEqualTo(4);
    for (NodeProcess node : List.of(first, second, last)) {
      Map<String, String> result = node == first ? firstResult : node == second ? secondResult : lastResult;
      assertThat(result.get("failures")).as("%s: calls that failed after the replay: %s; %s", node,
          result.get("failureKinds"), node.failures().stream().limit(3).toList() + " events " + node.events())
          .isEqualTo("0");
      assertThat(result.get("backwards")).isEqualTo("0");
      assertThat(versions(result)).isSorted().doesNotHaveDuplicates();
      assertThat(result.get("threadsLeft")).as("library threads alive after close()").isEqualTo("-");
    }
  }

  /**
   * The network path between one node and the database goes dark: a {@link TcpProxy} in front of
   * the node's pool stops forwarding without closing anything, and the driver's {@code socketTimeout}
   * is 0 (the default), so a statement on an open connection waits for ever and a new connection's
   * handshake hangs. The other node reaches the database directly.
   *
   * <p>The node's renewal calls the store and each call ends at the store timeout (600 ms) as a store
   * failure; the node fetches nothing while it cannot lease. The other node renews when it is due,
   * which invalidates the dark node's token: the dark node's calls fail from then on (documented
   * window: from the black hole until the node recovers), and it recovers by itself, within 2 s of
   * the proxy forwarding again. Then the path goes dark again, a store call of the node is stuck (a
   * read, or, if its renewal got the lease just before, a publish), and the node is stopped:
   * {@code close()} returns, and every thread the library started ends.
   */
  @Test
  void aStoreCallHungOnADarkNetworkPathHasADeadlineAndCloseEndsEveryThread(@TempDir Path workDir) throws Exception {
    Duration lifetime = Duration.ofSeconds(4);
    Duration storeTimeout = Duration.ofMillis(600);
    FakeCtcServer server = server(lifetime);
    String table = table();
    JdbcTokenStore observer = observer(table);
    TokenKey key = TokenKey.of(server.endpoint(), server.clientId());
    TcpProxy proxy = TcpProxy.to(database.address());
    resources.add(proxy);
    // the dark node renews half-way, the direct one a little later, with time to spare on a busy machine
    NodeProcess.Config direct = config(server, table, 2, Duration.ofSeconds(2), Duration.ofSeconds(1),
        Duration.ofMillis(1500));
    NodeProcess.Config dark = direct.via(darkPathUrl(proxy.port())).refreshingAhead(lifetime.dividedBy(2))
        .with("storeTimeoutMillis", storeTimeout.toMillis())
        .with("queryTimeoutSeconds", 1)
        .with("connectionTimeoutMillis", 1000)
        .with("backoffMinMillis", 100).with("backoffMaxMillis", 400);
    List<NodeProcess> nodes = startNodes(workDir, "dark", List.of(dark, direct));
    NodeProcess darkNode = nodes.get(0);
    NodeProcess directNode = nodes.get(1);
    goAndAwaitFirstToken(server, nodes);

    proxy.blackHole();
    long darkAt = System.currentTimeMillis();
    await("the dark node's renewal calling the store").atMost(lifetime.plusSeconds(2))
        .pollInterval(Duration.ofMillis(5)).until(() -> proxy.darkActivity() > 0);
    long stuckAt = System.currentTimeMillis();
    sleep(Duration.ofMillis(2500));
    long swallowedInFirstHole = proxy.swallowedBytes();
    long activityInFirstHole = proxy.darkActivity();
    proxy.up();
    long upAt = System.currentTimeMillis();
    long recoveredAt = awaitOn(darkNode, "the dark node recovering", Duration.ofSeconds(10),
        () -> firstAfter(darkNode.recoveries(), upAt), at -> at > 0);
    List<Long> fetchesInTheDark = fetchStarts(darkNode).stream().filter(at -> at >= darkAt && at < upAt).toList();
    List<String> storeFailures = events(darkNode).stream().filter(e -> e.contains("storeFailed")).toList();

    // dark again, with a store call of the node stuck in it as close() begins
    long activity = proxy.darkActivity();
    proxy.blackHole();
    long darkAgainAt = System.currentTimeMillis();
    await("a store call of the dark node stuck again").atMost(lifetime.plusSeconds(2))
        .pollInterval(Duration.ofMillis(5)).until(() -> proxy.darkActivity() > activity);
    Map<String, String> darkResult = darkNode.stop(STOP);
    proxy.up();
    sleep(Duration.ofMillis(300));
    Map<String, String> directResult = directNode.stop(STOP);
    StoredToken row = read(observer, key);
    // the windows: from each black hole until the node recovered, or (the second time) was stopped
    List<NodeProcess.Timed> darkFailures = darkNode.failures();
    long failuresInside = darkFailures.stream().filter(f -> f.millis() >= darkAt && f.millis() <= recoveredAt
        || f.millis() >= darkAgainAt).count();
    long failuresOutside = darkFailures.size() - failuresInside;

    new Figures("fault:hungStore", database).put("darkMillis", upAt - darkAt)
        .put("firstStuckAfterDarkMillis", stuckAt - darkAt).put("swallowedBytes", swallowedInFirstHole)
        .put("recoveryAfterUpMillis", recoveredAt - upAt).put("storeFailures", storeFailures.size())
        .put("storeTimeouts", darkResult.get("storeTimeouts"))
        .put("darkNodeFailuresInWindow", failuresInside).put("darkNodeFailuresOutside", failuresOutside)
        .put("darkNodeFailureKinds", darkResult.get("failureKinds"))
        .put("directNodeFailures", directResult.get("failures"))
        .put("fetchesInTheDark", fetchesInTheDark.size()).put("fetches", server.fetches())
        .put("closeWhileStuckMillis", darkResult.get("closeMillis"))
        .put("leaseAtClose", darkResult.get("leaseAtClose"))
        .put("threadsGoneMillis", darkResult.get("threadsGoneMillis"))
        .put("threadsLeft", darkResult.get("threadsLeft"))
        .put("warn", WarnLog.describe(warnings(nodes))).print();

    assertThat(activityInFirstHole).as("bytes and connections the dark node sent into the black hole").isPositive();
    assertThat(Long.parseLong(darkResult.get("storeTimeouts")))
        .as("store calls that ended at the store timeout: %s", storeFailures).isPositive();
    assertThat(fetchesInTheDark).as("fetches of the dark node while it could not reach the store").isEmpty();
    assertThat(Duration.ofMillis(recoveredAt - upAt)).as("from the path lit again to the dark node's first accepted call")
        .isLessThan(RECOVERY_BOUND);
    assertThat(failuresOutside).as("the dark node's failed calls outside the windows: %s",
            darkFailures.stream().map(f -> (f.millis() - darkAt) + "ms " + f.what()).toList()
                + " (black hole at 0, lit at " + (upAt - darkAt) + ", recovered at " + (recoveredAt - darkAt)
                + ", dark again at " + (darkAgainAt - darkAt) + ")")
        .isZero();
    assertThat(directResult.get("failures")).as("the direct node's failed calls: %s", directResult.get("failureKinds"))
        .isEqualTo("0");
    assertThat(directResult.get("threadsLeft")).isEqualTo("-");
    assertThat(List.of(darkResult, directResult)).allSatisfy(result -> {
      assertThat(result.get("backwards")).isEqualTo("0");
      assertThat(versions(result)).isSorted().doesNotHaveDuplicates();
    });
    assertThat(server.currentToken()).as("the store ends on the token the server accepts").isEqualTo(row.value());
    assertThat(darkResult.get("threadsLeft")).as("library threads alive after close() with a store call stuck")
        .isEqualTo("-");
  }

  // ---- helpers

  private NodeProcess.Config config(FakeCtcServer server, String table, int threads, Duration lease,
      Duration fetchTimeout, Duration refreshAhead) {
    return new NodeProcess.Config(database.url(), table, server.endpoint().toString(), server.clientId(),
        server.clientSecret(), threads, 20, lease, fetchTimeout, refreshAhead, Map.of());
  }

  /** Starts one node per configuration and waits until each is ready to call; none calls yet. */
  private List<NodeProcess> startNodes(Path workDir, String prefix, List<NodeProcess.Config> configs) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<NodeProcess> nodes = new ArrayList<>();
    for (int i = 0; i < configs.size(); i++) {
      NodeProcess node = NodeProcess.start(prefix + (i + 1) + "-" + run, configs.get(i), workDir);
      resources.add(node);
      nodes.add(node);
    }
    for (NodeProcess node : nodes) {
      node.awaitReady(START);
    }
    return nodes;
  }

  private static void goAndAwaitFirstToken(FakeCtcServer server, List<NodeProcess> nodes) {
    nodes.forEach(NodeProcess::go);
    await("version 1 on every node").atMost(START).pollInterval(Duration.ofMillis(20))
        .until(() -> nodes.stream().allMatch(node -> node.latestVersion() >= 1));
    assertThat(server.fetches()).as("one fetch for the whole fleet's first token").isEqualTo(1);
  }

  /** Like Awaitility's {@code until}, with {@code node}'s output and thread stacks in the failure if it times out. */
  private static <T> T awaitOn(NodeProcess node, String alias, Duration atMost, Callable<T> value,
      Predicate<? super T> done) {
    try {
      return await(alias).atMost(atMost).pollInterval(Duration.ofMillis(10)).until(value, done::test);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(alias + ": not within " + atMost + node.diagnostics() + "\n" + node.threadDump(), e);
    }
  }

  /** The node named as the row's lease owner. */
  private NodeProcess leaseHolder(JdbcTokenStore observer, TokenKey key, List<NodeProcess> candidates) {
    StoredToken row = read(observer, key);
    String owner = row.leaseOwner().orElseThrow(() -> new AssertionError("no lease on the row: " + row));
    return candidates.stream().filter(node -> node.nodeId().equals(owner)).findFirst()
        .orElseThrow(() -> new AssertionError("lease owner " + owner + " is none of " + candidates));
  }

  /** When the last of {@code nodes} first saw {@code version}; 0 while one has not. */
  private static long latestSeen(List<NodeProcess> nodes, long version) {
    long latest = 0;
    for (NodeProcess node : nodes) {
      long seen = node.versionSeenAt(version).orElse(0);
      if (seen == 0) {
        return 0;
      }
      latest = Math.max(latest, seen);
    }
    return latest;
  }

  private static long firstAfter(List<NodeProcess.Timed> lines, long millis) {
    return lines.stream().mapToLong(NodeProcess.Timed::millis).filter(at -> at >= millis).min().orElse(0);
  }

  /** The node's events without their times. */
  private static List<String> events(NodeProcess node) {
    return node.events().stream().map(line -> line.substring(line.indexOf(' ') + 1)).toList();
  }

  /** When the node's fetches started, wall-clock millis. */
  private static List<Long> fetchStarts(NodeProcess node) {
    return node.events().stream().filter(line -> line.contains(" fetchStarted "))
        .map(line -> Long.parseLong(line.substring(0, line.indexOf(' ')))).toList();
  }

  private static Map<String, Long> warnings(List<NodeProcess> nodes) {
    Map<String, Long> all = new TreeMap<>();
    nodes.forEach(node -> node.warnings().forEach((kind, n) -> all.merge(kind, n, Long::sum)));
    return all;
  }

  private static StoredToken read(JdbcTokenStore observer, TokenKey key) {
    return observer.read(key).toCompletableFuture().join().orElseThrow();
  }

  /** A store of the test's own on the table, to read the row as the nodes' stores do. */
  private JdbcTokenStore observer(String table) {
    HikariDataSource pool = database.pool(database.url(), AbstractInProcessFleetTest.uniqueName("observer"),
        Duration.ofSeconds(5));
    resources.add(pool);
    JdbcTokenStore observer = JdbcTokenStore.builder(pool).tableName(table).createTableIfMissing(true).build();
    resources.add(observer);
    return observer;
  }

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

  private static void sleep(Duration duration) {
    AbstractInProcessFleetTest.sleep(duration);
  }
}
