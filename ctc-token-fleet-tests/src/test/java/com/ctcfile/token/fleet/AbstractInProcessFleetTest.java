package com.ctcfile.token.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenStoreException;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenManagerBuilder;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.transport.httpclient5.HttpClient5Transport;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Fleets of {@link TokenManager}s in this JVM, each with a {@link JdbcTokenStore} on a connection pool
 * of its own, sharing one database table: what the statements cost, skewed clocks, and a database
 * outage. One concrete subclass per database.
 *
 * <p>Lifetimes are whole seconds: {@code expires_in} is, and {@link FakeCtcServer} enforces the exact
 * lifetime. With the default refresh-ahead (20%), a 2 s token is renewed every 1.6 s: a renewal cycle.
 */
abstract class AbstractInProcessFleetTest extends FleetTestBase {

  static final Duration LIFETIME = Duration.ofSeconds(2);
  static final Duration CYCLE = Duration.ofMillis(1600);
  // a fetch is reported just before its request is sent, and the token's refresh point counts from the send
  static final long SLACK_MILLIS = 50;

  /**
   * Steady state costs about one read per node per token lifetime (this test counts the
   * statements), and the database is never queried on the hot path.
   *
   * <p>The bound asserted, per node and renewal cycle: the node that wins the lease runs read, lease
   * and publish (3 statements); a node that loses reads once and finds the new version (1), or reads a
   * live lease and reads again a poll later (2), or, at worst, read just before the winner leased, so
   * its own lease is refused and it reads the live lease and then the new version (4). So at most 4
   * per node per cycle, and at most 3 + 4 (n - 1) for a fleet of n; one cycle more is allowed for the
   * renewal that may be under way when counting stops.
   */
  @Test
  void steadyStateCostsAFewStatementsPerNodePerRenewalAndTheHotPathNone() throws Exception {
    FakeCtcServer server = server(LIFETIME);
    String table = table();
    int nodes = 3;
    List<TokenManager> managers = new ArrayList<>();
    List<StatementCounter> counters = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      StatementCounter counter = new StatementCounter();
      counters.add(counter);
      managers.add(manager(server, counter.wrap(pool("count-" + i, Duration.ofSeconds(5))), table, "count-" + i,
          new EventCounts(), UnaryOperator.identity()));
    }

    // warm-up: the table is created and version 1 fetched by one node and adopted by the others
    for (TokenManager manager : managers) {
      assertThat(manager.token().version()).isEqualTo(1);
    }

    // hot path: right after a renewal every node holds a fresh token; calls on it run no statement
    long[] before = totals(counters);
    int hotCalls = 10_000;
    long otherVersions = 0;
    for (TokenManager manager : managers) {
      for (int i = 0; i < hotCalls; i++) {
        otherVersions += manager.token().version() == 1 ? 0 : 1;
      }
    }
    long[] afterHotPath = totals(counters);
    assertThat(otherVersions).as("calls on the hot path that got another version").isZero();

    // steady state: two callers per node for several lifetimes
    int fetchesBefore = server.fetches();
    long started = System.nanoTime();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong calls = new AtomicLong();
    List<Thread> callers = new ArrayList<>();
    for (TokenManager manager : managers) {
      for (int t = 0; t < 2; t++) {
        Thread caller = new Thread(() -> {
          while (running.get()) {
            manager.token();
            calls.incrementAndGet();
            sleep(Duration.ofMillis(1));
          }
        });
        callers.add(caller);
        caller.start();
      }
    }
    Thread.sleep(LIFETIME.multipliedBy(4).toMillis());
    running.set(false);
    for (Thread caller : callers) {
      caller.join();
    }
    for (TokenManager manager : managers) {
      manager.close(); // no renewal runs after this, so the counts are final
    }
    long[] after = totals(counters);
    Duration window = Duration.ofNanos(System.nanoTime() - started);
    long cycles = window.toMillis() / CYCLE.toMillis();
    double lifetimes = (double) window.toMillis() / LIFETIME.toMillis();
    long renewals = server.fetches() - fetchesBefore;

    Figures figures = new Figures("statements", database).put("nodes", nodes).put("windowMillis", window.toMillis())
        .put("cycles", cycles).put("renewals", renewals).put("tokenCalls", calls.get())
        .put("hotPathStatements", sum(afterHotPath) - sum(before));
    long fleetStatements = 0;
    for (int i = 0; i < nodes; i++) {
      long statements = after[i] - afterHotPath[i];
      fleetStatements += statements;
      figures.put("node" + i, statements + "/" + renewals);
    }
    figures.put("perNodePerRenewal", (double) fleetStatements / renewals / nodes)
        .put("perNodePerLifetime", fleetStatements / lifetimes / nodes)
        .put("fleetPerRenewal", (double) fleetStatements / renewals).print();

    assertThat(afterHotPath).as("statements run by %d token() calls per node on a valid token", hotCalls)
        .containsExactly(before);
    assertThat(renewals).as("renewals in %s, %d cycles of %s", window, cycles, CYCLE)
        .isBetween(3L, cycles + 1);
    for (int i = 0; i < nodes; i++) {
      assertThat(after[i] - afterHotPath[i]).as("statements of node %d in %d renewals", i, renewals)
          .isLessThanOrEqualTo(4 * (renewals + 1));
    }
    assertThat(fleetStatements).as("statements of the fleet in %d renewals", renewals)
        .isLessThanOrEqualTo((3 + 4L * (nodes - 1)) * (renewals + 1));
  }

  /**
   * Two managers whose clocks differ by 10 minutes, sharing one database, fetch exactly once per
   * lifetime and never take a live lease. Leases and expiry live in the database's clock, so the
   * skew changes nothing: one fetch per renewal cycle, no lease ever lost to the other node, and each
   * node's tokens valid by its own clock.
   *
   * <p>The skewed node's clock is {@code Clock.offset(systemUTC, 10 min)}: it moves in real time, so
   * the manager's real-time timer stays right and it gets a scheduler of its own, which keeps the hot
   * path as in production (see {@code TokenManagerBuilder.clock}).
   */
  @Test
  void nodesWhoseClocksDifferByTenMinutesFetchOncePerCycleAndNeverTakeALiveLease() throws Exception {
    FakeCtcServer server = server(LIFETIME);
    String table = table();
    Clock skewed = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10));
    ScheduledExecutorService skewedTimer = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "skewed-node-timer");
      thread.setDaemon(true);
      return thread;
    });
    resources.add(skewedTimer::shutdownNow);
    EventCounts eventsOfA = new EventCounts();
    EventCounts eventsOfB = new EventCounts();
    TokenManager a = manager(server, pool("skew-a", Duration.ofSeconds(5)), table, "skew-a", eventsOfA,
        UnaryOperator.identity());
    TokenManager b = manager(server, pool("skew-b", Duration.ofSeconds(5)), table, "skew-b", eventsOfB,
        builder -> builder.clock(skewed).scheduler(skewedTimer));

    Map<Long, Instant> expiryOfA = new ConcurrentHashMap<>();
    Map<Long, Instant> expiryOfB = new ConcurrentHashMap<>();
    List<String> problems = new ArrayList<>();
    AtomicBoolean running = new AtomicBoolean(true);
    long started = System.nanoTime();
    Thread callerA = caller(a, Clock.systemUTC(), expiryOfA, running, problems);
    Thread callerB = caller(b, skewed, expiryOfB, running, problems);
    Thread.sleep(LIFETIME.multipliedBy(5).toMillis());
    running.set(false);
    callerA.join();
    callerB.join();
    a.close();
    b.close();
    Duration window = Duration.ofNanos(System.nanoTime() - started);
    long cycles = window.toMillis() / CYCLE.toMillis();
    long lifetimes = window.toMillis() / LIFETIME.toMillis();

    new Figures("clockSkew", database).put("windowMillis", window.toMillis()).put("cycles", cycles)
        .put("fetches", server.fetches()).put("leaseLost", eventsOfA.leaseLost() + eventsOfB.leaseLost())
        .put("fetchesOfA", eventsOfA.fetches()).put("fetchesOfB", eventsOfB.fetches())
        .put("shortestRefetchMillisOfA", eventsOfA.shortestRefetchMillis())
        .put("shortestRefetchMillisOfB", eventsOfB.shortestRefetchMillis()).print();

    synchronized (problems) {
      assertThat(problems).as("tokens served outside their node's clock, or versions going back").isEmpty();
    }
    assertThat(eventsOfA.leaseLost() + eventsOfB.leaseLost()).as("leases lost: a live lease taken over").isZero();
    assertThat(eventsOfA.fetchesStarted() + eventsOfB.fetchesStarted())
        .as("every fetch was published under its lease")
        .isEqualTo(eventsOfA.fetches() + eventsOfB.fetches())
        .isEqualTo(server.fetches());
    assertThat((long) server.fetches()).as("fetches in %s (%d cycles of %s)", window, cycles, CYCLE)
        .isBetween(lifetimes, cycles + 1);
    assertThat(List.of(eventsOfA, eventsOfB)).as("no node started two fetches less than a renewal cycle apart")
        .allSatisfy(counts -> assertThat(counts.shortestRefetchMillis())
            .matches(gap -> gap < 0 || gap >= CYCLE.toMillis() - SLACK_MILLIS,
                "at least a renewal cycle, or -1 for one fetch or none"));
    // the skew is real: the same version expires ten minutes later by B's clock than by A's
    Long shared = expiryOfA.keySet().stream().filter(expiryOfB::containsKey).findFirst().orElseThrow();
    assertThat(Duration.between(expiryOfA.get(shared), expiryOfB.get(shared)))
        .isBetween(Duration.ofMinutes(10).minusSeconds(1), Duration.ofMinutes(10).plusSeconds(1));
  }

  /**
   * The pool points at a dead port for a while: nodes keep serving their valid token, nothing is
   * fetched without the lease, and everything recovers when the database is back. Every
   * node's pool reaches the database through a {@link TcpProxy} that the test switches off: each node
   * keeps serving its token while it is valid (its renewal failing on the store meanwhile), then fails
   * with {@link TokenStoreException}, fetching nothing, and takes the fleet's one new token when the
   * database returns.
   */
  @Test
  void duringADatabaseOutageNodesServeTheirValidTokenFetchNothingAndRecover() throws Exception {
    Duration lifetime = Duration.ofSeconds(3);
    FakeCtcServer server = server(lifetime);
    String table = table();
    TcpProxy proxy = TcpProxy.to(database.address());
    resources.add(proxy);
    String viaProxy = database.urlVia(proxy.port());
    int nodes = 3;
    List<TokenManager> managers = new ArrayList<>();
    List<EventCounts> events = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      EventCounts counts = new EventCounts();
      events.add(counts);
      HikariDataSource pool = database.pool(viaProxy, uniqueName("outage-" + i), Duration.ofMillis(500));
      resources.add(pool);
      // renewal starts half-way, so it has failed on the store well before the token expires
      managers.add(manager(server, pool, table, "outage-" + i, counts, builder -> builder
          .refreshAhead(lifetime.dividedBy(2))
          .retryBackoff(Duration.ofMillis(100), Duration.ofMillis(400))));
    }
    List<AccessToken> first = new ArrayList<>();
    for (TokenManager manager : managers) {
      first.add(manager.token());
    }
    assertThat(first).extracting(AccessToken::version).containsOnly(1L);
    assertThat(server.fetches()).isEqualTo(1);

    proxy.down();
    long downAt = System.nanoTime();
    AtomicBoolean running = new AtomicBoolean(true);
    List<List<Outcome>> outcomes = new ArrayList<>();
    List<Thread> callers = new ArrayList<>();
    for (TokenManager manager : managers) {
      List<Outcome> seen = new ArrayList<>();
      outcomes.add(seen);
      callers.add(recorder(manager, seen, running));
    }
    // until every node has failed for a while past its token's expiry
    Instant latestExpiry = first.stream().map(AccessToken::expiresAt).max(Instant::compareTo).orElseThrow();
    await("every node failing after its token expired").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> outcomes.stream().allMatch(seen -> failuresAfter(seen, latestExpiry.plusMillis(500)) >= 1));
    int fetchesDuringOutage = server.fetches() - 1;
    long tokenRequestsDuringOutage = server.tokenRequests() - 1;
    long renewalAttemptsFailedOnTheStore = events.stream().mapToLong(EventCounts::storeFailed).sum();

    proxy.up();
    await("every node serving a new token").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> outcomes.stream().allMatch(seen -> lastVersion(seen) >= 2));
    running.set(false);
    for (Thread caller : callers) {
      caller.join();
    }
    AccessToken recovered = managers.get(0).token();

    new Figures("outage", database).put("outageMillis", (System.nanoTime() - downAt) / 1_000_000)
        .put("fetchesDuringOutage", fetchesDuringOutage).put("storeFailures", renewalAttemptsFailedOnTheStore)
        .put("fetchesAfterRecovery", server.fetches() - 1 - fetchesDuringOutage).print();

    assertThat(fetchesDuringOutage).as("fetches while the database was unreachable").isZero();
    assertThat(tokenRequestsDuringOutage).as("token requests while the database was unreachable").isZero();
    assertThat(events).as("every node tried to renew and failed on the store")
        .allSatisfy(counts -> assertThat(counts.storeFailed()).isPositive());
    for (int i = 0; i < nodes; i++) {
      List<Outcome> seen = outcomes.get(i);
      synchronized (seen) {
        assertThat(collapse(seen)).as("what node %d's callers got, in order", i)
            .containsExactly("version 1", TokenStoreException.class.getSimpleName(), "version 2");
        Outcome firstFailure = seen.stream().filter(o -> o.failure != null).findFirst().orElseThrow();
        assertThat(firstFailure.at).as("node %d failed no earlier than its token's expiry", i)
            .isAfterOrEqualTo(first.get(i).expiresAt().minusMillis(50));
        long firstStoreFailure = events.get(i).firstStoreFailureNanos();
        assertThat(seen).as("node %d served its valid token after its renewal had failed on the store", i)
            .anyMatch(o -> o.version == 1 && o.nanos - firstStoreFailure > 0);
      }
    }
    assertThat(server.fetches()).as("one fetch for the whole fleet after the outage").isEqualTo(2);
    assertThat(managers).allSatisfy(manager -> {
      assertThat(manager.token().version()).isEqualTo(recovered.version());
      assertThat(manager.token().value()).isEqualTo(recovered.value());
    });
    assertThat(server.currentToken()).contains(recovered.value());
  }

  // ---- helpers

  /** What one {@code token()} call ended with. */
  private static final class Outcome {
    final long nanos = System.nanoTime();
    final Instant at = Instant.now();
    final long version;
    final String failure;

    Outcome(long version, String failure) {
      this.version = version;
      this.failure = failure;
    }

    String describe() {
      return failure != null ? failure : "version " + version;
    }
  }

  private static Thread recorder(TokenManager manager, List<Outcome> seen, AtomicBoolean running) {
    Thread thread = new Thread(() -> {
      while (running.get()) {
        Outcome outcome;
        try {
          outcome = new Outcome(manager.token().version(), null);
        } catch (RuntimeException e) {
          outcome = new Outcome(0, e.getClass().getSimpleName());
        }
        synchronized (seen) {
          seen.add(outcome);
        }
        sleep(Duration.ofMillis(20));
      }
    }, "outage-caller");
    thread.start();
    return thread;
  }

  private static long failuresAfter(List<Outcome> seen, Instant instant) {
    synchronized (seen) {
      return seen.stream().filter(o -> o.failure != null && o.at.isAfter(instant)).count();
    }
  }

  private static long lastVersion(List<Outcome> seen) {
    synchronized (seen) {
      return seen.isEmpty() ? 0 : seen.get(seen.size() - 1).version;
    }
  }

  /** The outcomes with runs of the same one collapsed: {@code [version 1, TokenStoreException, version 2]}. */
  private static List<String> collapse(List<Outcome> seen) {
    List<String> runs = new ArrayList<>();
    for (Outcome outcome : seen) {
      String described = outcome.describe();
      if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(described)) {
        runs.add(described);
      }
    }
    return runs;
  }

  /**
   * Calls {@code token()} every few milliseconds, noting problems: a token not valid by the node's own
   * clock, a version going back.
   */
  private static Thread caller(TokenManager manager, Clock clock, Map<Long, Instant> expiries, AtomicBoolean running,
      List<String> problems) {
    Thread thread = new Thread(() -> {
      long last = 0;
      while (running.get()) {
        try {
          AccessToken token = manager.token();
          Instant now = clock.instant();
          if (!token.expiresAt().isAfter(now) || token.expiresAt().isAfter(now.plus(LIFETIME).plusSeconds(1))) {
            note(problems, manager.nodeId() + " got version " + token.version() + " expiring at " + token.expiresAt()
                + " at " + now);
          }
          if (token.version() < last) {
            note(problems, manager.nodeId() + " went back from version " + last + " to " + token.version());
          }
          last = Math.max(last, token.version());
          expiries.putIfAbsent(token.version(), token.expiresAt());
        } catch (RuntimeException e) {
          note(problems, manager.nodeId() + " failed: " + e);
        }
        sleep(Duration.ofMillis(5));
      }
    }, "skew-caller-" + manager.nodeId());
    thread.start();
    return thread;
  }

  private static void note(List<String> problems, String problem) {
    synchronized (problems) {
      if (problems.size() < 20) {
        problems.add(problem);
      }
    }
  }

  private FakeCtcServer server(Duration lifetime) {
    FakeCtcServer server = FakeCtcServer.builder()
        .clientId(uniqueName("fleet-client"))
        .clientSecret(UUID.randomUUID().toString())
        .tokenLifetime(lifetime)
        .build()
        .start();
    resources.add(server);
    return server;
  }

  private String table() {
    String table = database.newTable();
    tables.add(table);
    return table;
  }

  private HikariDataSource pool(String node, Duration connectionTimeout) {
    HikariDataSource pool = database.pool(database.url(), uniqueName(node), connectionTimeout);
    resources.add(pool);
    return pool;
  }

  /**
   * A node: a manager with a store of its own on {@code dataSource}, closed after the test. The store
   * has connected and made its table already, so the nodes' first {@code token()} calls follow each
   * other closely and no node's first renewal falls due while the others are still starting.
   */
  private TokenManager manager(FakeCtcServer server, DataSource dataSource, String table, String node,
      EventCounts events, UnaryOperator<TokenManagerBuilder> customize) {
    JdbcTokenStore store = JdbcTokenStore.builder(dataSource).tableName(table).createTableIfMissing(true).build();
    store.read(TokenKey.of(server.endpoint(), server.clientId())).toCompletableFuture().join();
    TokenManager manager = customize.apply(TokenManager.builder()
            .endpoint(server.endpoint())
            .clientId(server.clientId())
            .clientSecret(server.clientSecret())
            .transport(HttpClient5Transport.create())
            .store(store)
            .nodeId(uniqueName(node))
            .listener(events))
        .build();
    resources.add(manager);
    return manager;
  }

  private static long[] totals(List<StatementCounter> counters) {
    return counters.stream().mapToLong(StatementCounter::total).toArray();
  }

  private static long sum(long[] values) {
    long sum = 0;
    for (long value : values) {
      sum += value;
    }
    return sum;
  }

  static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
