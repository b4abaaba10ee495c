package com.ctcfile.token.core;

import static com.ctcfile.token.core.Fixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.core.port.TokenKey;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The listener port reports what the manager does, so metrics need no change in core. */
class ListenerTest {

  private final ManualClock clock = new ManualClock();
  private final ScriptedTransport transport = new ScriptedTransport().lifetime(seconds(100));
  private final RecordingListener events = new RecordingListener();

  @Test
  void reportsFetchesRenewalsAndFailures() {
    try (TokenManager manager = Fixture.builder(transport, clock).listener(events).build()) {
      AccessToken v1 = manager.token();
      clock.advance(seconds(90));
      AccessToken v2 = manager.token();
      manager.renewAfterRejection(v2);
      manager.renewAfterRejection(v1);
      assertThatThrownBy(() -> manager.renewAfterRejection(manager.token()))
          .hasMessageContaining("rejected");
      transport.thenReply(502, "bad gateway");
      clock.advance(seconds(90));

      assertThat(events.events).containsExactly(
          "fetchStarted INITIAL", "fetchSucceeded v1",
          "fetchStarted REFRESH_AHEAD", "fetchSucceeded v2",
          "fetchStarted REJECTED", "fetchSucceeded v3", "renewedAfterRejection v2->v3 fetched",
          "renewedAfterRejection v1->v3 found",
          "rejectionRateLimited v3",
          "fetchStarted REFRESH_AHEAD", "fetchFailed TokenTransportException");
    }
  }

  @Test
  void reportsEveryCallerOfARenewalAfterRejectionIncludingThoseWhoJoinedIt() {
    try (TokenManager manager = Fixture.builder(transport, clock).listener(events).build()) {
      AccessToken v1 = manager.token();
      java.util.concurrent.CompletableFuture<com.ctcfile.token.core.port.TransportResponse> reply = transport.thenHold();
      java.util.concurrent.CompletableFuture<AccessToken> first = manager.renewAfterRejectionAsync(v1).toCompletableFuture();
      java.util.concurrent.CompletableFuture<AccessToken> joined = manager.renewAfterRejectionAsync(v1).toCompletableFuture();

      reply.complete(transport.tokenReply());

      assertThat(first.join()).isSameAs(joined.join());
      assertThat(events.events).filteredOn(e -> e.startsWith("renewedAfterRejection"))
          .containsExactly("renewedAfterRejection v1->v2 fetched", "renewedAfterRejection v1->v2 fetched");
    }
  }

  @Test
  void reportsATokenAdoptedFromTheStore() {
    InMemoryTokenStore shared = new InMemoryTokenStore(clock);
    try (TokenManager nodeA = Fixture.manager(transport, clock, shared);
        TokenManager nodeB = Fixture.builder(transport, clock).store(shared).listener(events).build()) {
      nodeA.token();

      nodeB.token();

      assertThat(events.events).containsExactly("tokenAdopted v1");
    }
  }

  @Test
  void aListenerThatThrowsDoesNotBreakRenewal() {
    TokenEventListener broken = new TokenEventListener() {
      @Override
      public void fetchStarted(TokenKey key, FetchReason reason) {
        throw new IllegalStateException("broken listener");
      }
    };
    try (TokenManager manager = Fixture.builder(transport, clock).listener(broken).listener(events).build()) {
      assertThat(manager.token().version()).isEqualTo(1);
      assertThat(events.events).contains("fetchSucceeded v1");
    }
  }

  @Test
  void reportsStoreFailures() {
    CountingStore store = new CountingStore(new InMemoryTokenStore(clock));
    store.failWith(new IllegalStateException("database down"));
    try (TokenManager manager = Fixture.builder(transport, clock).store(store).listener(events)
        .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)).build()) {
      assertThatThrownBy(manager::token).isNotInstanceOf(TokenTransportException.class);

      assertThat(events.events).containsExactly("storeFailed");
      assertThat(transport.sends()).as("no fetch without the store's lease").isZero();
    }
  }
}
