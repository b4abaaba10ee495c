package com.ctcfile.token.core;

import static com.ctcfile.token.core.Fixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenStoreException;
import com.ctcfile.token.core.port.LeaseRequest;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.core.port.TransportResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Managers sharing one {@link InMemoryTokenStore} behave as the nodes of a fleet: one fetch per
 * renewal cycle, losers of the lease wait instead of fetching, a stalled node's late token is fenced
 * off, and a dead node's lease runs out.
 */
class FleetInMemoryTest {

  private static final Duration LIFETIME = seconds(100);
  // default refresh-ahead for 100 s is 20 s: one renewal every 80 s
  private static final Duration CYCLE = seconds(80);

  private final ManualClock clock = new ManualClock();
  private final ScriptedTransport transport = new ScriptedTransport().lifetime(LIFETIME);
  private final InMemoryTokenStore store = new InMemoryTokenStore(clock);

  @Test
  void threeNodesFetchOncePerRenewalCycleAndVersionsNeverGoBack() {
    try (TokenManager a = Fixture.manager(transport, clock, store);
        TokenManager b = Fixture.manager(transport, clock, store);
        TokenManager c = Fixture.manager(transport, clock, store)) {
      long[] lastSeen = new long[3];
      Duration elapsed = Duration.ZERO;
      Duration run = LIFETIME.multipliedBy(10);
      while (elapsed.compareTo(run) < 0) {
        List<TokenManager> nodes = List.of(a, b, c);
        for (int i = 0; i < 3; i++) {
          AccessToken token = nodes.get(i).token();
          assertThat(token.expiresAt()).isAfter(clock.instant());
          assertThat(token.version()).isGreaterThanOrEqualTo(lastSeen[i]);
          lastSeen[i] = token.version();
        }
        clock.advance(Duration.ofMillis(500));
        elapsed = elapsed.plusMillis(500);
      }

      long cycles = run.toMillis() / CYCLE.toMillis();
      assertThat(transport.sends()).isBetween((int) cycles, (int) cycles + 1);
    }
  }

  @Test
  void aNodeThatLostTheLeaseServesItsTokenAndWaitsForTheWinnersInsteadOfFetching() {
    try (TokenManager a = Fixture.manager(transport, clock, store);
        TokenManager b = Fixture.manager(transport, clock, store)) {
      AccessToken v1 = a.token();
      assertThat(b.token()).isEqualTo(v1);
      CompletableFuture<TransportResponse> slowFetch = transport.thenHold();

      // both timers fire within the window; one node gets the lease and its fetch hangs
      clock.advance(seconds(86));
      assertThat(transport.sends()).isEqualTo(2);
      for (int i = 0; i < 10; i++) {
        clock.advance(Duration.ofMillis(200));
        assertThat(a.token()).isEqualTo(v1);
        assertThat(b.token()).isEqualTo(v1);
      }
      assertThat(transport.sends()).as("the loser polled the store and never fetched").isEqualTo(2);

      slowFetch.complete(transport.tokenReply());
      clock.advance(Duration.ofMillis(200));

      assertThat(a.token().version()).isEqualTo(2);
      assertThat(b.token().version()).isEqualTo(2);
      assertThat(a.token().value()).isEqualTo(b.token().value());
      assertThat(transport.sends()).isEqualTo(2);
    }
  }

  @Test
  void aNodeWhoseLeaseRanOutCannotPublishAndAdoptsTheNewerToken() {
    RecordingListener eventsOfA = new RecordingListener();
    try (TokenManager a = Fixture.builder(transport, clock).store(store).listener(eventsOfA)
            .leaseDuration(seconds(20)).fetchTimeout(seconds(10)).build();
        TokenManager b = Fixture.builder(transport, clock).store(store)
            .leaseDuration(seconds(20)).fetchTimeout(seconds(10)).build()) {
      CompletableFuture<TransportResponse> stalled = transport.thenHold();
      CompletableFuture<AccessToken> aWaits = a.tokenAsync().toCompletableFuture();
      // A's node stalls (a GC pause: no timer fires) past its lease
      clock.holdTimers();
      clock.advance(seconds(21));

      AccessToken fromB = b.token();
      assertThat(fromB.version()).isEqualTo(1);
      stalled.complete(transport.tokenReply());

      AccessToken fromA = aWaits.join();
      assertThat(eventsOfA.events).contains("leaseLost v0");
      assertThat(fromA.value()).as("A threw its late token away").isEqualTo(fromB.value());
      assertThat(store.read(a.key()).toCompletableFuture().join().orElseThrow().value()).contains(fromB.value());
    }
  }

  @Test
  void aDeadNodesLeaseRunsOutAndAnotherNodeRenews() {
    try (TokenManager b = Fixture.builder(transport, clock).store(store).leaseDuration(seconds(30)).build()) {
      TokenKey key = b.key();
      assertThat(store.tryLease(LeaseRequest.scheduled(key, 0, "dead-node", seconds(30))).toCompletableFuture().join()).isPresent();

      CompletableFuture<AccessToken> waiting = b.tokenAsync().toCompletableFuture();
      for (int i = 0; i < 29 * 5; i++) {
        clock.advance(Duration.ofMillis(200));
      }
      assertThat(waiting).as("waits while the dead node's lease is live").isNotDone();
      assertThat(transport.sends()).isZero();

      clock.advance(seconds(1));
      clock.advance(Duration.ofMillis(200));

      assertThat(waiting.join().version()).isEqualTo(1);
      assertThat(transport.sends()).isEqualTo(1);
    }
  }

  @Test
  void nodesWhoseClocksDifferByTenMinutesStillFetchOncePerCycle() {
    ManualClock skewed = new ManualClock(Duration.ofMinutes(10));
    ManualClock storeClock = new ManualClock(Duration.ofMinutes(-3));
    InMemoryTokenStore database = new InMemoryTokenStore(storeClock);
    RecordingListener events = new RecordingListener();
    try (TokenManager a = Fixture.builder(transport, clock).store(database).listener(events).build();
        TokenManager b = Fixture.builder(transport, skewed).store(database).listener(events).build()) {
      Duration run = LIFETIME.multipliedBy(10);
      for (Duration t = Duration.ZERO; t.compareTo(run) < 0; t = t.plusMillis(500)) {
        assertThat(a.token().expiresAt()).isAfter(clock.instant());
        assertThat(b.token().expiresAt()).isAfter(skewed.instant());
        clock.advance(Duration.ofMillis(500));
        skewed.advance(Duration.ofMillis(500));
        storeClock.advance(Duration.ofMillis(500));
      }

      long cycles = run.toMillis() / CYCLE.toMillis();
      assertThat(transport.sends()).isBetween((int) cycles, (int) cycles + 1);
      assertThat(events.events).doesNotContain("leaseLost v0");
    }
  }

  @Test
  void whenTheStoreIsDownANodeServesItsTokenNeverFetchesAndRecovers() {
    CountingStore flaky = new CountingStore(store);
    try (TokenManager node = Fixture.manager(transport, clock, flaky)) {
      AccessToken v1 = node.token();
      flaky.failWith(new IllegalStateException("connection refused"));

      clock.advance(seconds(85));
      assertThat(node.token()).as("serves its valid token").isSameAs(v1);
      clock.advance(seconds(16));
      assertThatThrownBy(node::token).isInstanceOf(TokenStoreException.class);
      assertThat(transport.sends()).as("never fetches without the lease").isEqualTo(1);

      flaky.failWith(null);
      clock.advance(seconds(31));

      assertThat(node.token().version()).isEqualTo(2);
      assertThat(transport.sends()).isEqualTo(2);
    }
  }
}
