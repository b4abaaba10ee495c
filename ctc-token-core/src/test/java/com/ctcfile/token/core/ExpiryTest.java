package com.ctcfile.token.core;

import static com.ctcfile.token.core.Fixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.AccessToken;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Expiry counts from the moment the request was sent, on the local monotonic clock. A late timer
 * (less than the refresh window) never lets an expired token out; a longer pause is healed by the
 * 401 path.
 */
class ExpiryTest {

  private final ManualClock clock = new ManualClock();
  private final ScriptedTransport transport = new ScriptedTransport().lifetime(seconds(100));

  @Test
  void expiresAtIsTheSendTimePlusExpiresInWithoutSafetyMargin() {
    AtomicReference<Instant> sentAt = new AtomicReference<>();
    // the reply takes 7 s to arrive: expiry must not move with it
    transport.onSend(() -> {
      sentAt.set(clock.instant());
      clock.advance(seconds(7));
    });
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      AccessToken token = manager.token();

      assertThat(token.expiresAt()).isEqualTo(sentAt.get().plus(seconds(100)));
    }
  }

  @Test
  void theTokenIsReplacedAtTheMomentItExpiresCountedFromTheSend() {
    transport.onSend(() -> clock.advance(seconds(7)));
    // no scheduler: the manager checks the clock on every call and nothing renews in the background
    try (TokenManager manager = Fixture.builder(transport).clock(clock).refreshAhead(Duration.ZERO).build()) {
      AccessToken first = manager.token();
      transport.onSend(() -> {});

      clock.advance(seconds(93).minusNanos(1));
      assertThat(manager.token()).as("valid until send + 100 s").isSameAs(first);

      clock.advance(Duration.ofNanos(1));
      assertThat(manager.token().version()).as("expired at send + 100 s").isEqualTo(2);
    }
  }

  @Test
  void aTimerLateByLessThanTheRefreshWindowNeverHandsOutAnExpiredToken() {
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      AccessToken first = manager.token();
      clock.holdTimers();
      clock.advance(seconds(95));
      assertThat(manager.token()).as("the late timer has not fired; the token is still valid").isSameAs(first);

      clock.releaseTimers();

      // the renewal ran when the late timer fired; from now on no caller sees the old token after expiry
      for (int i = 0; i < 100; i++) {
        AccessToken served = manager.token();
        assertThat(served.expiresAt()).isAfter(clock.instant());
        clock.advance(Duration.ofMillis(100));
      }
    }
  }

  @Test
  void aTimerLateByLessThanTheWindowWhileRenewalsFailStillStopsServingAtExpiry() {
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      AccessToken first = manager.token();
      for (int i = 0; i < 500; i++) {
        transport.thenReply(503, "down");
      }
      clock.holdTimers();
      clock.advance(seconds(95));
      clock.releaseTimers();

      while (clock.instant().isBefore(first.expiresAt())) {
        assertThat(manager.token()).isSameAs(first);
        clock.advance(Duration.ofMillis(250));
      }

      assertThat(manager.tokenAsync().toCompletableFuture()).isCompletedExceptionally();
    }
  }

  @Test
  void aPauseLongerThanTheWindowIsHealedByRenewAfterRejection() {
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      AccessToken first = manager.token();
      clock.holdTimers();
      clock.advance(seconds(150));

      // a suspended JVM: the timer has not run, so the fast path still holds the old token
      AccessToken stale = manager.token();
      assertThat(stale).isSameAs(first);

      AccessToken healed = manager.renewAfterRejection(stale);
      assertThat(healed.version()).isEqualTo(2);
      assertThat(healed.expiresAt()).isAfter(clock.instant());
      assertThat(manager.token()).isSameAs(healed);
    }
  }
}
