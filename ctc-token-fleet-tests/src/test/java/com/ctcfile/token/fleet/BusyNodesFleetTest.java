package com.ctcfile.token.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.transport.httpclient5.HttpClient5Transport;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Nodes whose callers never pause still fetch once per renewal cycle: every caller that sees the
 * held token due at the moment the renewal completes must take the new token, not start another
 * renewal (which, the store then holding nothing newer, would fetch, and so invalidate the token the
 * whole fleet just got).
 *
 * <p>On H2 only: what is tested is the manager's single flight, the same on every database. The
 * callers spin, so the class runs alone ({@link Isolated}) rather than starve the timing of the
 * others.
 */
@Isolated("its callers keep both cores busy")
class BusyNodesFleetTest {

  private static final Duration LIFETIME = Duration.ofSeconds(2);
  private static final Duration CYCLE = Duration.ofMillis(1600);
  // a fetch is reported just before its request is sent, and the token's refresh point counts from the send
  private static final long SLACK_MILLIS = 50;

  @Test
  void nodesCalledWithoutPauseFetchOncePerRenewalCycle() throws Exception {
    int nodes = 2;
    int callersPerNode = 4;
    try (FleetDatabase database = FleetDatabase.h2();
        FakeCtcServer server = FakeCtcServer.builder().clientSecret(UUID.randomUUID().toString())
            .tokenLifetime(LIFETIME).build().start()) {
      String table = database.newTable();
      List<HikariDataSource> pools = new ArrayList<>();
      List<TokenManager> managers = new ArrayList<>();
      List<EventCounts> events = new ArrayList<>();
      try {
        for (int i = 0; i < nodes; i++) {
          HikariDataSource pool = database.pool(database.url(), "busy-" + i + "-" + UUID.randomUUID(),
              Duration.ofSeconds(5));
          pools.add(pool);
          JdbcTokenStore store = JdbcTokenStore.builder(pool).tableName(table).createTableIfMissing(true).build();
          store.read(TokenKey.of(server.endpoint(), server.clientId())).toCompletableFuture().join();
          EventCounts counts = new EventCounts();
          events.add(counts);
          managers.add(TokenManager.builder()
              .endpoint(server.endpoint()).clientId(server.clientId()).clientSecret(server.clientSecret())
              .transport(HttpClient5Transport.create())
              .store(store)
              .nodeId("busy-" + i)
              .listener(counts)
              .build());
        }

        AtomicBoolean running = new AtomicBoolean(true);
        long started = System.nanoTime();
        List<Thread> callers = new ArrayList<>();
        for (TokenManager manager : managers) {
          for (int t = 0; t < callersPerNode; t++) {
            Thread caller = new Thread(() -> {
              while (running.get()) {
                manager.token();
              }
            }, "busy-caller");
            callers.add(caller);
            caller.start();
          }
        }
        Thread.sleep(LIFETIME.multipliedBy(4).toMillis());
        running.set(false);
        for (Thread caller : callers) {
          caller.join();
        }
        managers.forEach(TokenManager::close);
        Duration window = Duration.ofNanos(System.nanoTime() - started);
        long cycles = window.toMillis() / CYCLE.toMillis();

        new Figures("busyNodes", database).put("windowMillis", window.toMillis()).put("cycles", cycles)
            .put("fetches", server.fetches())
            .put("leaseLost", events.stream().mapToLong(EventCounts::leaseLost).sum())
            .put("shortestRefetchMillis", events.stream().mapToLong(EventCounts::shortestRefetchMillis)
                .filter(gap -> gap >= 0).min().orElse(-1))
            .put("fetchReasons", events.stream().map(EventCounts::fetchReasons).collect(Collectors.joining(";")))
            .print();

        assertThat(server.fetches()).as("fetches in %s (%d cycles of %s) by %d nodes with %d busy callers each",
                window, cycles, CYCLE, nodes, callersPerNode)
            .isLessThanOrEqualTo((int) cycles + 1);
        assertThat(events).as("no node started two fetches less than a renewal cycle apart")
            .allSatisfy(counts -> assertThat(counts.shortestRefetchMillis())
                .matches(gap -> gap < 0 || gap >= CYCLE.toMillis() - SLACK_MILLIS,
                    "at least a renewal cycle, or -1 for one fetch or none"));
      } finally {
        managers.forEach(TokenManager::close);
        pools.forEach(HikariDataSource::close);
        database.dropTable(table);
      }
    }
  }
}
