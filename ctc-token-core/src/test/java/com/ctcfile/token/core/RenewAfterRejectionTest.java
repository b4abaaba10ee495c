package com.ctcfile.token.core;

import static com.ctcfile.token.core.Fixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.RenewalRateLimitedException;
import com.ctcfile.token.core.port.TransportResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Compare-and-renew after a 401, single flight, and the rate limit on rejection-triggered fetches. */
class RenewAfterRejectionTest {

  private final ManualClock clock = new ManualClock();
  private final ScriptedTransport transport = new ScriptedTransport();
  private final ExecutorService pool = Executors.newFixedThreadPool(50);

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void fetchesWhenTheRejectedTokenIsTheNewest() {
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      AccessToken rejected = manager.token();

      AccessToken renewed = manager.renewAfterRejection(rejected);

      assertThat(renewed.version()).isEqualTo(2);
      assertThat(renewed.value()).isNotEqualTo(rejected.value());
      assertThat(transport.sends()).isEqualTo(2);
      assertThat(manager.token()).isSameAs(renewed);
    }
  }

  @Test
  void returnsTheNewerTokenTheNodeHoldsWithoutFetching() {
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      AccessToken old = manager.token();
      AccessToken newer = manager.renewAfterRejection(old);

      AccessToken again = manager.renewAfterRejection(old);
      AccessToken async = manager.renewAfterRejectionAsync(old).toCompletableFuture().join();

      assertThat(again).isSameAs(newer);
      assertThat(async).isSameAs(newer);
      assertThat(transport.sends()).isEqualTo(2);
    }
  }

  @Test
  void returnsTheNewerTokenAnotherNodeStoredWithoutFetching() {
    InMemoryTokenStore shared = new InMemoryTokenStore(clock);
    try (TokenManager nodeA = Fixture.manager(transport, clock, shared);
        TokenManager nodeB = Fixture.manager(transport, clock, shared)) {
      AccessToken v1 = nodeA.token();
      assertThat(nodeB.token()).as("B adopts A's token").isEqualTo(v1);
      AccessToken v2 = nodeA.renewAfterRejection(v1);

      AccessToken healed = nodeB.renewAfterRejection(v1);

      assertThat(healed.value()).isEqualTo(v2.value());
      assertThat(healed.version()).isEqualTo(2);
      assertThat(transport.sends()).as("B healed from the store").isEqualTo(2);
    }
  }

  @Test
  void fiftyConcurrentRejectionsOfOneTokenCauseOneFetch() throws Exception {
    try (TokenManager manager = Fixture.builder(transport).build()) {
      AccessToken rejected = manager.token();
      CompletableFuture<TransportResponse> reply = transport.thenHold();
      CountDownLatch start = new CountDownLatch(1);
      List<Future<AccessToken>> calls = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        calls.add(pool.submit(() -> {
          start.await();
          return manager.renewAfterRejection(rejected);
        }));
      }

      start.countDown();
      await().until(() -> transport.sends() == 2);
      reply.complete(transport.tokenReply());

      for (Future<AccessToken> call : calls) {
        assertThat(call.get().version()).isEqualTo(2);
      }
      assertThat(transport.sends()).isEqualTo(2);
    }
  }

  @Test
  void aSecondRejectionTriggeredFetchWithinTheIntervalIsRefusedPromptlyWithAReason() {
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      AccessToken v2 = manager.renewAfterRejection(manager.token());

      assertThatThrownBy(() -> manager.renewAfterRejection(v2))
          .isInstanceOfSatisfying(RenewalRateLimitedException.class, e -> {
            assertThat(e.retryAfter()).as("the default interval").isEqualTo(Duration.ofSeconds(60));
            assertThat(e.getMessage()).contains("rejected").contains("60000 ms");
          });
      assertThat(manager.renewAfterRejectionAsync(v2).toCompletableFuture())
          .isCompletedExceptionally();
      assertThat(transport.sends()).isEqualTo(2);
    }
  }

  @Test
  void theLimitLiftsAfterTheConfiguredInterval() {
    try (TokenManager manager = Fixture.builder(transport, clock).rejectionRenewalInterval(seconds(3)).build()) {
      AccessToken v2 = manager.renewAfterRejection(manager.token());
      clock.advance(Duration.ofMillis(2999));
      assertThatThrownBy(() -> manager.renewAfterRejection(v2)).isInstanceOf(RenewalRateLimitedException.class);

      clock.advance(Duration.ofMillis(1));

      assertThat(manager.renewAfterRejection(v2).version()).isEqualTo(3);
    }
  }

  @Test
  void theFirstRejectionAfterAScheduledRenewalIsNeverSuppressed() {
    transport.lifetime(seconds(100));
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      manager.token();
      clock.advance(seconds(90));
      AccessToken renewedOnSchedule = manager.token();
      assertThat(renewedOnSchedule.version()).isEqualTo(2);

      AccessToken renewed = manager.renewAfterRejection(renewedOnSchedule);

      assertThat(renewed.version()).isEqualTo(3);
    }
  }

  @Test
  void aRateLimitedRejectionDoesNotStopTheNodeServingItsToken() {
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      AccessToken v2 = manager.renewAfterRejection(manager.token());
      assertThatThrownBy(() -> manager.renewAfterRejection(v2)).isInstanceOf(CtcTokenException.class);

      assertThat(manager.token()).isSameAs(v2);
      assertThat(manager.tokenAsync().toCompletableFuture().join()).isSameAs(v2);
    }
  }

  @Test
  void aRejectedTokenInTheStoreIsNotAdoptedBack() {
    InMemoryTokenStore shared = new InMemoryTokenStore(clock);
    try (TokenManager nodeA = Fixture.manager(transport, clock, shared);
        TokenManager nodeB = Fixture.manager(transport, clock, shared)) {
      AccessToken v1 = nodeA.token();
      nodeB.token();

      AccessToken renewed = nodeB.renewAfterRejection(v1);

      assertThat(renewed.version()).isEqualTo(2);
      assertThat(transport.sends()).isEqualTo(2);
      assertThat(nodeA.renewAfterRejection(v1).value()).isEqualTo(renewed.value());
      assertThat(transport.sends()).isEqualTo(2);
    }
  }

  @Test
  void theRejectionLimitHoldsForTheWholeFleetNotPerNode() {
    InMemoryTokenStore shared = new InMemoryTokenStore(clock);
    try (TokenManager nodeA = Fixture.manager(transport, clock, shared);
        TokenManager nodeB = Fixture.manager(transport, clock, shared)) {
      AccessToken v1 = nodeA.token();
      nodeB.token();
      CompletableFuture<TransportResponse> slow = transport.thenHold();
      CompletableFuture<AccessToken> aRenews = nodeA.renewAfterRejectionAsync(v1).toCompletableFuture();
      CompletableFuture<AccessToken> bWaits = nodeB.renewAfterRejectionAsync(v1).toCompletableFuture();
      clock.advance(Duration.ofMillis(200));
      slow.complete(transport.tokenReply());
      clock.advance(Duration.ofMillis(200));
      AccessToken v2 = bWaits.join();
      assertThat(aRenews.join()).isEqualTo(v2);
      assertThat(transport.sends()).isEqualTo(2);

      assertThatThrownBy(() -> nodeB.renewAfterRejection(v2))
          .as("A's fetch after a rejection counts for B too: a 401 that is not about the token must not make"
              + " every node fetch in turn")
          .isInstanceOf(RenewalRateLimitedException.class);
      assertThat(transport.sends()).isEqualTo(2);

      clock.advance(Duration.ofSeconds(60));
      assertThat(nodeB.renewAfterRejection(v2).version()).isEqualTo(3);
    }
  }

}
