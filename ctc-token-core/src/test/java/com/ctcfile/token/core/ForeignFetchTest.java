package com.ctcfile.token.core;

import static com.ctcfile.token.core.Fixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.RenewalRateLimitedException;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.core.port.TokenKey;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A 401 on the fleet's newest token while it should still be valid, with no node fetching since it
 * was published, means something outside the fleet fetched: the listener hears of it, and the log
 * says so at most once a minute per key, with what to check, never the token or the secret.
 */
class ForeignFetchTest {

  private final ManualClock clock = new ManualClock();
  private final ScriptedTransport transport = new ScriptedTransport().lifetime(seconds(3600));
  private final InMemoryTokenStore store = new InMemoryTokenStore(clock);
  private final List<Long> suspected = new ArrayList<>();
  private final List<LogRecord> warnings = new ArrayList<>();
  private final Logger logger = Logger.getLogger("com.ctcfile.token");
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        warnings.add(record);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void captureWarnings() {
    logger.addHandler(capture);
  }

  @AfterEach
  void stopCapturing() {
    logger.removeHandler(capture);
  }

  private TokenManager node() {
    return Fixture.builder(transport, clock).store(store).rejectionRenewalInterval(seconds(10))
        .listener(new TokenEventListener() {
          @Override
          public void foreignFetchSuspected(TokenKey key, long version) {
            suspected.add(version);
          }
        }).build();
  }

  @Test
  void aRejectedNewestTokenNoNodeReplacedIsAForeignFetch() {
    try (TokenManager a = node()) {
      AccessToken v1 = a.token();

      AccessToken v2 = a.renewAfterRejection(v1);

      assertThat(suspected).containsExactly(1L);
      assertThat(v2.version()).as("the fleet still renews").isEqualTo(2);
      assertThat(warnings).hasSize(1);
      String warning = warnings.get(0).getMessage();
      assertThat(warning).contains("client-1").contains("outside the fleet").contains("shares the token store")
          .contains("curl").contains("ctc-token token").contains("--jdbc-url")
          .doesNotContain(v1.value()).doesNotContain(v2.value()).doesNotContain(Fixture.SECRET);
    }
  }

  @Test
  void theWarningComesAtMostOnceAMinutePerKeyWhileEveryEventIsReported() {
    try (TokenManager a = node()) {
      AccessToken token = a.token();
      for (int i = 0; i < 5; i++) {
        token = a.renewAfterRejection(token);
        clock.advance(seconds(11)); // past the rejection limit each time
      }
      assertThat(suspected).hasSize(5);
      assertThat(warnings).hasSize(1);

      clock.advance(seconds(10)); // a minute after the first warning
      a.renewAfterRejection(token);

      assertThat(warnings).hasSize(2);
    }
  }

  @Test
  void aRejectionAnotherNodeAlreadyHealedIsNotForeign() {
    try (TokenManager a = node(); TokenManager b = node()) {
      AccessToken v1 = a.token();
      b.token();
      a.renewAfterRejection(v1);
      suspected.clear();
      warnings.clear();

      AccessToken healed = b.renewAfterRejection(v1);

      assertThat(healed.version()).isEqualTo(2);
      assertThat(suspected).isEmpty();
      assertThat(warnings).isEmpty();
    }
  }

  @Test
  void aRateLimitedRejectionIsStillReportedAsForeignButFetchesNothing() {
    try (TokenManager a = node()) {
      AccessToken v2 = a.renewAfterRejection(a.token());
      suspected.clear();

      assertThatThrownBy(() -> a.renewAfterRejection(v2)).isInstanceOf(RenewalRateLimitedException.class);

      assertThat(suspected).containsExactly(2L);
      assertThat(transport.sends()).isEqualTo(2);
    }
  }
}
