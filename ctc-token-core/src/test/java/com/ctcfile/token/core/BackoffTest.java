package com.ctcfile.token.core;

import static com.ctcfile.token.core.Fixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.port.TransportRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Failed fetches back off; a valid token keeps being served; callers without one fail fast. */
class BackoffTest {

  private static final String API_ERROR = "{\"errcode\":\"40001\",\"errmsg\":\"invalid clientSecret\",\"access_token\":\"\"}";

  private final ManualClock clock = new ManualClock();
  private final ScriptedTransport transport = new ScriptedTransport();

  @Test
  void aCallerWithoutATokenGetsTheTypedFailureAndTheNextCallerDoesNotRefetch() {
    transport.thenReply(503, "busy").thenReply(503, "busy");
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      assertThatThrownBy(manager::token).isInstanceOfSatisfying(TokenTransportException.class,
          e -> assertThat(e.httpStatus()).isEqualTo(503));

      assertThatThrownBy(manager::token).as("still backing off").isInstanceOf(TokenTransportException.class);
      assertThat(manager.tokenAsync().toCompletableFuture()).isCompletedExceptionally();
      assertThat(transport.sends()).isEqualTo(1);
    }
  }

  @Test
  void retriesFollowTheBackoffInTheBackgroundUntilOneSucceeds() {
    transport.thenReply(503, "busy").thenReply(503, "busy").thenReply(503, "busy");
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      assertThatThrownBy(manager::token).isInstanceOf(TokenTransportException.class);

      clock.advance(Duration.ofMillis(199));
      assertThat(transport.sends()).as("nothing before the 200 ms floor").isEqualTo(1);
      clock.advance(Duration.ofMillis(1));
      assertThat(transport.sends()).as("first retry after exactly 200 ms").isEqualTo(2);
      clock.advance(Duration.ofMillis(400));
      assertThat(transport.sends()).as("second retry within 200..400 ms").isEqualTo(3);
      clock.advance(Duration.ofMillis(800));
      assertThat(transport.sends()).as("third retry within 200..800 ms, which succeeds").isEqualTo(4);

      assertThat(manager.token().version()).isEqualTo(1);
      clock.advance(seconds(60));
      assertThat(transport.sends()).as("no retries after a success").isEqualTo(4);
    }
  }

  @Test
  void aStillValidTokenKeepsBeingServedWhileRenewalsFail() {
    transport.lifetime(seconds(100));
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      AccessToken token = manager.token();
      for (int i = 0; i < 50; i++) {
        transport.thenFail(new TokenTransportException("connection refused", null));
      }

      clock.advance(seconds(85));
      for (int i = 0; i < 140; i++) {
        assertThat(manager.token()).isSameAs(token);
        clock.advance(Duration.ofMillis(100));
      }

      assertThat(transport.sends()).as("renewals were attempted with backoff").isBetween(3, 40);
    }
  }

  @Test
  void onceTheTokenHasExpiredCallersGetTheTypedErrorPromptly() {
    transport.lifetime(seconds(100));
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      manager.token();
      for (int i = 0; i < 200; i++) {
        transport.thenReply(500, "down");
      }

      clock.advance(seconds(101));

      assertThatThrownBy(manager::token).isInstanceOf(TokenTransportException.class).hasMessageContaining("HTTP 500");
    }
  }

  @Test
  void badCredentialsAreNotRetriedInATightLoop() {
    for (int i = 0; i < 500; i++) {
      transport.thenReply(200, API_ERROR);
    }
    List<Long> sendTimes = new ArrayList<>();
    transport.onSend(() -> sendTimes.add(clock.nanoTime()));
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      assertThatThrownBy(manager::token).isInstanceOfSatisfying(CtcApiException.class,
          e -> assertThat(e.errcode()).isEqualTo("40001"));

      for (int i = 0; i < 600; i++) {
        clock.advance(Duration.ofMillis(100));
        assertThatThrownBy(manager::token).isInstanceOf(CtcApiException.class);
      }

      for (int i = 1; i < sendTimes.size(); i++) {
        assertThat(Duration.ofNanos(sendTimes.get(i) - sendTimes.get(i - 1))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
      }
      // 600 calls in 60 s; once the ceiling reaches 30 s (third failure) a retry waits 15 s on average
      assertThat(sendTimes).as("600 calls in 60 s caused a few fetches, not one each").hasSizeLessThanOrEqualTo(30);
    }
  }

  @Test
  void aTransportThatNeverAnswersFailsTheCallerWithinTheFetchTimeout() {
    ScriptedTransport silent = new ScriptedTransport();
    silent.thenHold();
    try (TokenManager manager = Fixture.builder(silent).fetchTimeout(Duration.ofMillis(300))
        .leaseDuration(seconds(1)).build()) {
      assertThatThrownBy(manager::token).isInstanceOf(TokenTransportException.class)
          .hasMessageContaining("within 300 ms");
    }
  }

  @Test
  void theRequestCarriesTheFetchTimeout() {
    try (TokenManager manager = Fixture.builder(transport, clock).fetchTimeout(Duration.ofMillis(1500)).build()) {
      manager.token();

      TransportRequest request = transport.requests().get(0);
      assertThat(request.timeout()).isEqualTo(Duration.ofMillis(1500));
      assertThat(request.maxBodyBytes()).isEqualTo(64 * 1024);
    }
  }

  @Test
  void anUnexpectedFailureIsReportedTypedWithItsCauseAndTheLeaseIsReleased() {
    InMemoryTokenStore store = new InMemoryTokenStore(clock);
    transport.thenFail(new NoClassDefFoundError("com/example/Missing"));
    try (TokenManager manager = Fixture.manager(transport, clock, store)) {
      assertThatThrownBy(manager::token).isInstanceOf(com.ctcfile.token.CtcTokenException.class)
          .hasMessageContaining("NoClassDefFoundError")
          .hasRootCauseInstanceOf(NoClassDefFoundError.class);

      assertThat(store.read(manager.key()).toCompletableFuture().join().orElseThrow().isLeased())
          .as("other nodes need not wait out the lease").isFalse();
    }
  }
}
