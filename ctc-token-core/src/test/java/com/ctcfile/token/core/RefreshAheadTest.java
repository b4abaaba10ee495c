package com.ctcfile.token.core;

import static com.ctcfile.token.core.Fixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.core.port.TransportResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Renewal starts {@code refreshAhead} before expiry, in the background. The timer fires within a
 * quarter of the window after that point (jitter that spreads a fleet), never before it.
 */
class RefreshAheadTest {

  private final ManualClock clock = new ManualClock();

  @ParameterizedTest(name = "lifetime {0} s renews {1} s ahead by default")
  @CsvSource({"3600, 300", "7200, 300", "1000, 200", "100, 20", "10, 2"})
  void theDefaultIsTheSmallerOfFiveMinutesAndTwentyPercentOfTheLifetime(long lifetime, long refreshAhead) {
    ScriptedTransport transport = new ScriptedTransport().lifetime(seconds(lifetime));
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      manager.token();
      Duration refreshPoint = seconds(lifetime - refreshAhead);

      clock.advance(refreshPoint.minusMillis(1));
      assertThat(transport.sends()).as("no renewal before the refresh point").isEqualTo(1);

      clock.advance(Duration.ofMillis(1).plus(seconds(refreshAhead).dividedBy(4)));
      assertThat(transport.sends()).as("renewed in the refresh-ahead window").isEqualTo(2);
      assertThat(manager.token().version()).isEqualTo(2);
    }
  }

  @Test
  void aConfiguredRefreshAheadIsUsed() {
    ScriptedTransport transport = new ScriptedTransport().lifetime(seconds(3600));
    try (TokenManager manager = Fixture.builder(transport, clock).refreshAhead(Duration.ofMinutes(20)).build()) {
      manager.token();

      clock.advance(Duration.ofMinutes(40).minusMillis(1));
      assertThat(transport.sends()).isEqualTo(1);

      clock.advance(Duration.ofMinutes(5).plusMillis(1));
      assertThat(transport.sends()).isEqualTo(2);
    }
  }

  @Test
  void aRefreshAheadLongerThanHalfTheLifetimeIsCappedAtHalf() {
    ScriptedTransport transport = new ScriptedTransport().lifetime(seconds(100));
    try (TokenManager manager = Fixture.builder(transport, clock).refreshAhead(Duration.ofMinutes(5)).build()) {
      manager.token();

      clock.advance(seconds(50).minusMillis(1));
      assertThat(transport.sends()).as("not renewed back to back").isEqualTo(1);

      clock.advance(seconds(13));
      assertThat(transport.sends()).isEqualTo(2);
    }
  }

  @Test
  void whileTheRenewalIsInFlightCallersGetTheCurrentTokenAtOnce() {
    ScriptedTransport transport = new ScriptedTransport().lifetime(seconds(100));
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      AccessToken first = manager.token();
      CompletableFuture<TransportResponse> blocked = transport.thenHold();

      clock.advance(seconds(90));
      assertThat(transport.sends()).as("the renewal has started and is blocked").isEqualTo(2);

      assertThat(manager.token()).isSameAs(first);
      CompletionStage<AccessToken> async = manager.tokenAsync();
      assertThat(async.toCompletableFuture()).isCompletedWithValue(first);

      blocked.complete(transport.tokenReply());
      assertThat(manager.token().version()).isEqualTo(2);
      assertThat(transport.sends()).isEqualTo(2);
    }
  }

  @Test
  void eachRenewalSchedulesTheNextOne() {
    ScriptedTransport transport = new ScriptedTransport().lifetime(seconds(100));
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      manager.token();

      for (int i = 0; i < 10; i++) {
        clock.advance(seconds(85));
      }

      assertThat(transport.sends()).as("one fetch per renewal cycle, no caller involved").isEqualTo(11);
      assertThat(manager.token().version()).isEqualTo(11);
    }
  }
}
