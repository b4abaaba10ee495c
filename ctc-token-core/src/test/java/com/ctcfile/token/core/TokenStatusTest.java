package com.ctcfile.token.core;

import static com.ctcfile.token.core.Fixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.TokenStatus.State;
import com.ctcfile.token.core.port.TransportResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link TokenManager#status()}: each state, what the snapshot carries, and the one health rule. */
class TokenStatusTest {

  private final ManualClock clock = new ManualClock();
  private final ScriptedTransport transport = new ScriptedTransport().lifetime(seconds(100));

  @Test
  void aNewManagerHasNoTokenAndIsHealthy() {
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      TokenStatus status = manager.status();

      assertThat(status.state()).isEqualTo(State.NO_TOKEN);
      assertThat(status.version()).isZero();
      assertThat(status.expiresAt()).isEmpty();
      assertThat(status.timeLeft()).isEmpty();
      assertThat(status.lastRenewal()).isEmpty();
      assertThat(status.lastFailureCode()).isEmpty();
      assertThat(status.healthy()).as("nothing was asked yet: a token can be fetched").isTrue();
      assertThat(status.toString()).isEqualTo("client-1@127.0.0.1:9: no token yet");
      assertThat(transport.sends()).as("status() does no I/O").isZero();
    }
  }

  @Test
  void aValidTokenShowsItsVersionExpiryAndTimeLeft() {
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      AccessToken token = manager.token();
      clock.advance(seconds(30));

      TokenStatus status = manager.status();

      assertThat(status.state()).isEqualTo(State.VALID);
      assertThat(status.version()).isEqualTo(1);
      assertThat(status.expiresAt()).contains(token.expiresAt());
      assertThat(status.timeLeft()).contains(seconds(70));
      assertThat(status.lastRenewal()).contains(clock.instant().minusSeconds(30));
      assertThat(status.holdsLease()).isFalse();
      assertThat(status.storeReachable()).isTrue();
      assertThat(status.healthy()).isTrue();
      assertThat(status.toString()).isEqualTo("client-1@127.0.0.1:9: valid, version 1, expires in 1m 10s, last renewal "
          + clock.instant().minusSeconds(30));
      assertThat(status.toString()).doesNotContain(token.value()).doesNotContain(Fixture.SECRET);
    }
  }

  @Test
  void aRunningFetchIsRenewingAndHoldsTheLease() {
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      CompletableFuture<TransportResponse> held = transport.thenHold();
      manager.tokenAsync();

      TokenStatus status = manager.status();

      assertThat(status.state()).isEqualTo(State.RENEWING);
      assertThat(status.holdsLease()).isTrue();
      assertThat(status.healthy()).as("no failure yet").isTrue();
      held.complete(transport.tokenReply());
      assertThat(manager.status().state()).isEqualTo(State.VALID);
      assertThat(manager.status().holdsLease()).isFalse();
    }
  }

  @Test
  void aFailedRenewalWithoutATokenIsBackingOffAndUnhealthy() {
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      transport.thenReply(200, "{\"errcode\":\"40001\",\"errmsg\":\"invalid clientSecret\",\"access_token\":\"\"}");
      assertThatThrownBy(manager::token).isInstanceOf(CtcApiException.class);

      TokenStatus status = manager.status();

      assertThat(status.state()).isEqualTo(State.BACKING_OFF);
      assertThat(status.lastFailureCode()).contains("api:40001");
      assertThat(status.lastFailureType()).contains("CtcApiException");
      assertThat(status.nextAttempt()).hasValueSatisfying(at -> assertThat(at).isAfter(clock.instant()));
      assertThat(status.healthy()).isFalse();
      assertThat(status.toString()).startsWith("client-1@127.0.0.1:9: backing off, last failure api:40001 "
          + "(CtcApiException), next attempt ").doesNotContain("invalid clientSecret");
    }
  }

  @Test
  void anExpiredTokenWhoseRenewalsFailIsUnhealthyAndAValidOneWithFailuresIsNot() {
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      manager.token();
      for (int i = 0; i < 200; i++) {
        transport.thenFail(new TokenTransportException("refused", 0, false, null));
      }
      clock.advance(seconds(85));
      TokenStatus failingButValid = manager.status();
      assertThat(failingButValid.lastFailureCode()).contains("transport");
      assertThat(failingButValid.hasValidToken()).isTrue();
      assertThat(failingButValid.healthy()).as("a valid token is still served").isTrue();

      clock.advance(seconds(20));
      TokenStatus expired = manager.status();

      assertThat(expired.state()).isIn(State.BACKING_OFF, State.EXPIRED);
      assertThat(expired.timeLeft()).hasValueSatisfying(left -> assertThat(left).isNegative());
      assertThat(expired.healthy()).isFalse();
      assertThat(expired.toString()).contains("expired ").contains(" ago");
    }
  }

  @Test
  void detailsOfAValidTokenNameItsFieldsInReadingOrderAndNeverTheTokenOrTheSecret() {
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      AccessToken token = manager.token();

      TokenStatus status = manager.status();
      Map<String, Object> details = status.details();

      assertThat(details.keySet()).containsExactly("state", "version", "expiresAt", "timeLeft", "lastRenewal",
          "storeReachable");
      assertThat(details).containsEntry("state", "VALID").containsEntry("version", 1L)
          .containsEntry("expiresAt", status.expiresAt().orElseThrow().toString())
          .containsEntry("timeLeft", status.timeLeft().orElseThrow().toString())
          .containsEntry("lastRenewal", status.lastRenewal().orElseThrow().toString())
          .containsEntry("storeReachable", true);
      assertThat(details.toString()).doesNotContain(token.value(), Fixture.SECRET);
      assertThatThrownBy(() -> details.put("state", "NO_TOKEN")).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Test
  void detailsOfAFailedRenewalNameTheFailureAndTheNextAttemptButNotTheMessage() {
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      transport.thenReply(200, "{\"errcode\":\"40001\",\"errmsg\":\"invalid clientSecret\",\"access_token\":\"\"}");
      assertThatThrownBy(manager::token).isInstanceOf(CtcApiException.class);

      TokenStatus status = manager.status();

      assertThat(status.details().keySet()).containsExactly("state", "version", "lastFailureCode", "lastFailureType",
          "nextAttempt", "storeReachable");
      assertThat(status.details()).containsEntry("state", "BACKING_OFF").containsEntry("lastFailureCode", "api:40001")
          .containsEntry("lastFailureType", "CtcApiException")
          .containsEntry("nextAttempt", status.nextAttempt().orElseThrow().toString());
      assertThat(status.details().toString()).doesNotContain("invalid clientSecret", Fixture.SECRET);
    }
  }

  @Test
  void aNewManagerLeavesOutWhatIsAbsent() {
    try (TokenManager manager = Fixture.manager(transport, clock)) {
      assertThat(manager.status().details()).containsExactly(Map.entry("state", "NO_TOKEN"),
          Map.entry("version", 0L), Map.entry("storeReachable", true));
    }
  }

  @Test
  void aClosedManagerSaysSoAndIsUnhealthy() {
    TokenManager manager = Fixture.manager(transport, clock);
    manager.token();
    manager.close();

    assertThat(manager.status().state()).isEqualTo(State.CLOSED);
    assertThat(manager.status().healthy()).isFalse();
    assertThat(manager.status().toString()).startsWith("client-1@127.0.0.1:9: closed").doesNotContain("version");
  }

  @Test
  void durationsAreWrittenForPeople() {
    assertThat(TokenStatus.describe(Duration.ofMillis(350))).isEqualTo("350 ms");
    assertThat(TokenStatus.describe(Duration.ofMillis(12_440))).isEqualTo("12.4 s");
    assertThat(TokenStatus.describe(Duration.ofSeconds(3598))).isEqualTo("59m 58s");
    assertThat(TokenStatus.describe(Duration.ofMinutes(125))).isEqualTo("2h 5m");
    assertThat(TokenStatus.describe(Duration.ofHours(76))).isEqualTo("3d 4h");
    assertThat(TokenStatus.describe(Duration.ofMillis(2_400))).isEqualTo("2.4 s");
    assertThat(TokenStatus.describe(Duration.ofSeconds(3))).isEqualTo("3 s");
    assertThat(TokenStatus.describe(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(TokenStatus.describe(Duration.ofHours(1))).isEqualTo("1h");
    assertThat(TokenStatus.describe(Duration.ofSeconds(-5))).as("callers say in or ago").isEqualTo("5 s");
  }
}
