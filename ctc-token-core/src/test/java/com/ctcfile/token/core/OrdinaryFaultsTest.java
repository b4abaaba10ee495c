package com.ctcfile.token.core;

import static com.ctcfile.token.core.Fixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenStoreException;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.FaultyStore.Op;
import com.ctcfile.token.core.port.FreshToken;
import com.ctcfile.token.core.port.LeaseRequest;
import com.ctcfile.token.core.port.RenewalLease;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.core.port.TransportResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The faults production sees every week, on managers sharing one store: a publish that fails, a
 * restart in the middle of a fetch, a fetch that times out, a store call that never returns, a
 * caller that gives up, two nodes with one name, a store restored from a backup. None of them may
 * leave the fleet on a dead token for longer than the fault itself lasts.
 */
class OrdinaryFaultsTest {

  private final ManualClock clock = new ManualClock();
  private final ScriptedTransport transport = new ScriptedTransport().lifetime(seconds(100));
  private final InMemoryTokenStore memory = new InMemoryTokenStore(clock);
  private final FaultyStore store = new FaultyStore(memory);

  private TokenManager node() {
    return Fixture.manager(transport, clock, store);
  }

  private Optional<StoredToken> row(TokenManager node) {
    return memory.read(node.key()).toCompletableFuture().join();
  }

  // ---- a publish that fails

  @Test
  void aPublishThatFailsOnceIsRetriedAndTheFleetAdoptsItsToken() {
    try (TokenManager a = node(); TokenManager b = node()) {
      store.failNext(Op.PUBLISH, 1);

      CompletableFuture<AccessToken> first = a.tokenAsync().toCompletableFuture();
      clock.advance(Duration.ofMillis(50));

      assertThat(first.join().value()).isEqualTo(transport.lastIssued());
      assertThat(store.calls(Op.PUBLISH)).isEqualTo(2);
      assertThat(b.token().value()).as("the other node finds the token in the store").isEqualTo(transport.lastIssued());
      assertThat(transport.sends()).isEqualTo(1);
    }
  }

  @Test
  void aPublishWhoseAnswerWasLostIsRecognisedAsDoneWithoutASecondFetch() {
    try (TokenManager a = node(); TokenManager b = node()) {
      store.failNextAfterApplying(Op.PUBLISH);

      CompletableFuture<AccessToken> first = a.tokenAsync().toCompletableFuture();
      clock.advance(Duration.ofMillis(50));

      AccessToken token = first.join();
      assertThat(row(a).orElseThrow().value()).contains(token.value());
      assertThat(token.version()).isEqualTo(1);
      assertThat(b.token()).isEqualTo(token);
      assertThat(transport.sends()).isEqualTo(1);
    }
  }

  @Test
  void aPublishThatKeepsFailingReleasesTheLeaseSoAnotherNodeRenewsAtOnce() {
    try (TokenManager a = node(); TokenManager b = node()) {
      store.failNext(Op.PUBLISH, 4);

      CompletableFuture<AccessToken> first = a.tokenAsync().toCompletableFuture();
      advance(Duration.ofMillis(400)); // retries after 50, 100 and 200 ms

      AccessToken kept = first.join();
      assertThat(kept.value()).as("a serves the token it fetched: fetching it invalidated every other")
          .isEqualTo(transport.lastIssued());
      assertThat(a.status().lastFailureCode()).contains("store");
      assertThat(row(a).orElseThrow().isLeased()).as("the lease was released, not left to run out").isFalse();

      AccessToken renewed = b.token();

      assertThat(renewed.value()).isEqualTo(transport.lastIssued()).isNotEqualTo(kept.value());
      assertThat(transport.sends()).isEqualTo(2);
    }
  }

  // ---- a restart in the middle of a fetch

  @Test
  void closeLetsAStartedFetchFinishAndPublishSoTheFleetAdoptsIt() throws Exception {
    try (TokenManager b = node()) {
      TokenManager a = node();
      CompletableFuture<TransportResponse> slow = transport.thenHold();
      CompletableFuture<AccessToken> waiting = a.tokenAsync().toCompletableFuture();
      Thread closing = new Thread(a::close, "closing-a");
      closing.start();
      await().until(() -> a.status().state() == TokenStatus.State.CLOSED);

      slow.complete(transport.tokenReply());
      closing.join(5_000);

      assertThat(closing.isAlive()).isFalse();
      assertThatThrownBy(waiting::join).hasCauseInstanceOf(CtcTokenException.class);
      assertThat(row(b).orElseThrow().value()).as("published during close").contains(transport.lastIssued());
      assertThat(b.token().value()).isEqualTo(transport.lastIssued());
      assertThat(transport.sends()).isEqualTo(1);
      assertThat(store.isClosed()).isTrue();
    }
  }

  @Test
  void closeAbortsAFetchThatDoesNotFinishInTimeAndReleasesItsLeaseWithASettlePeriod() {
    TokenManager a = Fixture.builder(transport, clock).store(store).fetchTimeout(Duration.ofMillis(200))
        .leaseDuration(seconds(1)).storeTimeout(Duration.ofMillis(200)).build();
    CompletableFuture<TransportResponse> never = transport.thenHold();
    a.tokenAsync();

    a.close();

    assertThat(never).as("the transport was told to abort the exchange").isCancelled();
    StoredToken row = row(a).orElseThrow();
    assertThat(row.isLeased()).isFalse();
    assertThat(row.isSettling()).as("the aborted request may still be answered").isTrue();
    try (TokenManager b = node()) {
      assertThatThrownBy(b::token).isInstanceOf(CtcTokenException.class).hasMessageContaining("settles");
      assertThat(transport.sends()).isEqualTo(1);

      clock.advance(Duration.ofMillis(200));

      assertThat(b.token().value()).isEqualTo(transport.lastIssued());
      assertThat(transport.sends()).isEqualTo(2);
    }
  }

  // ---- a fetch whose outcome is unknown

  @Test
  void aFetchThatTimesOutMakesTheWholeFleetSettleBeforeAnyoneFetchesAgain() {
    try (TokenManager a = node(); TokenManager b = node(); TokenManager c = node()) {
      CompletableFuture<TransportResponse> late = transport.thenHold();
      CompletableFuture<AccessToken> first = a.tokenAsync().toCompletableFuture();

      clock.advance(seconds(10));

      assertThatThrownBy(first::join).cause().isInstanceOfSatisfying(TokenTransportException.class,
          e -> assertThat(e.outcomeUnknown()).isTrue());
      assertThat(late).as("core's deadline aborted the exchange").isCancelled();
      assertThatThrownBy(b::token).as("b may not fetch while a's request may still be answered")
          .isInstanceOf(CtcTokenException.class).hasMessageContaining("settles");
      assertThatThrownBy(() -> c.renewAfterRejection(new AccessToken("someone-elses", "Bearer",
          clock.instant().plusSeconds(60), 0))).as("not even after a rejection").isInstanceOf(CtcTokenException.class);
      assertThat(b.status().lastFailureCode()).contains("settling");
      assertThat(transport.sends()).isEqualTo(1);

      clock.advance(seconds(10));

      assertThat(a.token().value()).isEqualTo(transport.lastIssued());
      assertThat(b.token()).isEqualTo(a.token());
      assertThat(transport.sends()).isEqualTo(2);
    }
  }

  @Test
  void aRefusedConnectionSentNothingSoTheFleetDoesNotSettle() {
    try (TokenManager a = node(); TokenManager b = node()) {
      transport.thenFail(new TokenTransportException("connection refused", 0, false, null));

      assertThatThrownBy(a::token).isInstanceOf(TokenTransportException.class);
      assertThat(row(a).orElseThrow().isSettling()).isFalse();

      clock.advance(Duration.ofMillis(200)); // the fleet's ordinary backoff after a first failure

      assertThat(b.token().value()).isEqualTo(transport.lastIssued());
    }
  }

  // ---- a store call that never returns

  @Test
  void aStoreCallThatNeverReturnsFailsTheRenewalAtTheStoreTimeoutAndTheManagerRecovers() {
    try (TokenManager a = node()) {
      store.hangNext(Op.READ);
      CompletableFuture<AccessToken> first = a.tokenAsync().toCompletableFuture();

      clock.advance(seconds(10));

      assertThatThrownBy(first::join).hasCauseInstanceOf(TokenStoreException.class)
          .hasMessageContaining("within the store timeout of 10000 ms");
      assertThat(store.cancelled(Op.READ)).as("the abandoned call was cancelled in the store").isEqualTo(1);
      assertThat(a.status().state()).isEqualTo(TokenStatus.State.BACKING_OFF);
      assertThat(a.status().storeReachable()).isFalse();

      clock.advance(seconds(1));

      assertThat(a.status().state()).isEqualTo(TokenStatus.State.VALID);
      assertThat(a.status().storeReachable()).isTrue();
      assertThat(a.token().value()).isEqualTo(transport.lastIssued());
    }
  }

  @Test
  void closeEndsTheManagersOwnThreadAlsoWhenAStoreCallIsStuck() {
    Set<Thread> before = timerThreads();
    TokenManager a = Fixture.builder(transport).store(store).fetchTimeout(Duration.ofMillis(300))
        .leaseDuration(seconds(1)).storeTimeout(Duration.ofMillis(300)).build();
    store.hangNext(Op.READ);
    a.tokenAsync();
    await().until(() -> store.calls(Op.READ) == 1);

    a.close();

    assertThat(store.isClosed()).isTrue();
    // a pool is terminated a moment before its last thread has finished dying
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      Set<Thread> left = timerThreads();
      left.removeAll(before);
      assertThat(left).as("threads the manager started").isEmpty();
    });
  }

  private static Set<Thread> timerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("ctc-token-timer-") && t.isAlive())
        .collect(Collectors.toSet());
  }

  // ---- a caller that gives up

  @Test
  void oneCallerGivingUpNeverCancelsAnotherCallersWaitAndEveryFailureIsTyped() {
    Duration lease = seconds(100);
    try (TokenManager a = Fixture.builder(transport, clock).store(store).leaseDuration(lease).build()) {
      // another node holds the lease until shortly before a's renewal stops waiting for it
      memory.tryLease(LeaseRequest.scheduled(a.key(), 0, "other-node", Duration.ofMillis(109_800)));
      for (int i = 0; i < 4; i++) {
        store.hangNext(Op.PUBLISH); // then every publish of a's hangs until its store timeout
      }
      CompletableFuture<AccessToken> impatient = a.tokenAsync().toCompletableFuture();
      clock.advance(seconds(60));
      CompletableFuture<AccessToken> patient = a.tokenAsync().toCompletableFuture();

      advance(seconds(61)); // the first caller's bound (lease + fetch + store timeouts) passes at 120.4 s

      assertThatThrownBy(impatient::join).isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(CtcTokenException.class).cause().hasMessageContaining("gave up waiting");
      assertThat(patient).as("still waiting for the renewal it shares").isNotDone();

      advance(seconds(40));

      assertThat(patient.join().value()).isEqualTo(transport.lastIssued());
      assertThat(patient).isNotCancelled();
    }
  }

  private void advance(Duration total) {
    for (long done = 0; done < total.toMillis(); done += 100) {
      clock.advance(Duration.ofMillis(100));
    }
  }

  // ---- two nodes with one name

  @Test
  void twoNodesWithOneNodeIdNeverPublishUnderEachOthersLease() {
    TokenManagerBuilder web = Fixture.builder(transport, clock).store(store).nodeId("web")
        .fetchTimeout(seconds(29)).storeTimeout(seconds(5));
    try (TokenManager a = web.build(); TokenManager b = Fixture.builder(transport, clock).store(store).nodeId("web")
        .fetchTimeout(seconds(29)).storeTimeout(seconds(5)).build()) {
      CompletableFuture<TransportResponse> aFetch = transport.thenHold();
      CompletableFuture<AccessToken> aWaits = a.tokenAsync().toCompletableFuture();
      clock.advance(seconds(28));
      CompletableFuture<Void> aPublishReachesTheStore = store.hangNext(Op.PUBLISH);
      aFetch.complete(transport.tokenReply());
      String aToken = transport.lastIssued();
      clock.advance(seconds(3)); // a's lease (30 s) has run out; its publish is still on its way

      CompletableFuture<TransportResponse> bFetch = transport.thenHold();
      CompletableFuture<AccessToken> bWaits = b.tokenAsync().toCompletableFuture();
      aPublishReachesTheStore.complete(null); // while b holds its lease, under the same name
      bFetch.complete(transport.tokenReply());
      String bToken = transport.lastIssued();
      clock.advance(Duration.ofMillis(400));

      assertThat(row(a).orElseThrow().value()).as("the token fetched last, which the endpoint accepts").contains(bToken);
      assertThat(bWaits.join().value()).isEqualTo(bToken);
      assertThat(aWaits.join().value()).isEqualTo(bToken).isNotEqualTo(aToken);
    }
  }

  // ---- a store whose version went backwards

  @Test
  void aRestoredStoreIsFollowedWithOneFetchAndVersionsNeverGoBackwards() {
    try (TokenManager a = node(); TokenManager b = node()) {
      a.token();
      b.token();
      clock.advance(seconds(90));
      AccessToken v2 = a.token();
      assertThat(b.token()).isEqualTo(v2);
      // a backup of the database, taken while it held v2
      InMemoryTokenStore backup = storeHolding(a.key(), v2.value(), 2, row(a).orElseThrow().expiresIn());
      clock.advance(seconds(85));
      AccessToken v3 = a.token();
      assertThat(b.token()).isEqualTo(v3);
      assertThat(v3.version()).isEqualTo(3);
      int sendsBefore = transport.sends();

      // the database is restored from that backup: it holds v2 again, which the endpoint invalidated when v3 was fetched
      store.replaceContents(backup);
      AccessToken renewedByB = b.renewAfterRejection(b.token()); // someone fetched: b's v3 is rejected

      assertThat(renewedByB.value()).as("b neither adopts the restored v2 nor keeps its dead v3")
          .isNotEqualTo(v2.value()).isNotEqualTo(v3.value()).isEqualTo(transport.lastIssued());
      assertThat(renewedByB.version()).isGreaterThan(v3.version());
      AccessToken renewedByA = a.renewAfterRejection(v3);
      assertThat(renewedByA).as("a finds b's token, newer than the one it lost").isEqualTo(renewedByB);
      assertThat(transport.sends() - sendsBefore).as("one fetch to converge").isEqualTo(1);
    }
  }

  @Test
  void aVersionSetBackByHandOnTheCurrentTokenCostsNoFetchAndVersionsKeepGrowing() {
    try (TokenManager a = node()) {
      AccessToken v1 = a.token();
      clock.advance(seconds(90));
      AccessToken v2 = a.token();

      // same token, version edited back to 1
      store.replaceContents(storeHolding(a.key(), v2.value(), 1, row(a).orElseThrow().expiresIn()));

      assertThat(a.token()).isSameAs(v2);
      clock.advance(seconds(90));
      AccessToken v3 = a.token();
      assertThat(v3.version()).isGreaterThan(v2.version()).isGreaterThan(v1.version());
      assertThat(transport.sends()).isEqualTo(3);
    }
  }

  /** A store holding {@code value} as {@code version}, published now, expiring in {@code remaining}. */
  private InMemoryTokenStore storeHolding(TokenKey key, String value, long version, Duration remaining) {
    InMemoryTokenStore restored = new InMemoryTokenStore(clock);
    LeaseRequest ask = new LeaseRequest(key, 0, version, "restore", seconds(10), false, Duration.ZERO);
    RenewalLease lease = restored.tryLease(ask).toCompletableFuture().join().orElseThrow();
    restored.publish(lease, new FreshToken(value, "Bearer", seconds(100), remaining)).toCompletableFuture().join();
    return restored;
  }

  @Test
  void aCallerCancellingItsOwnFutureLeavesTheSharedRenewalRunning() {
    try (TokenManager a = node()) {
      CompletableFuture<TransportResponse> held = transport.thenHold();
      CompletableFuture<AccessToken> caller = a.tokenAsync().toCompletableFuture();

      caller.cancel(true); // what a caller does with its own future is its own business
      held.complete(transport.tokenReply());

      assertThat(a.token().value()).isEqualTo(transport.lastIssued());
      assertThatThrownBy(caller::join).isInstanceOf(CancellationException.class);
    }
  }
}
