package com.ctcfile.token.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.TokenTransportException;
import java.time.Duration;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class BackoffDelaysTest {

  private static final TokenTransportException IO = new TokenTransportException("refused", null);

  /** A jitter source that always draws the same fraction, to see the bounds of the jitter. */
  private static DoubleSupplier drawing(double fraction) {
    return () -> fraction;
  }

  @Test
  void theJitterScalesTheSpreadAboveTheFloorExactly() {
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), drawing(0.5));

    assertThat(backoff.next(IO)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.next(IO)).isEqualTo(Duration.ofMillis(300));
    assertThat(backoff.next(IO)).isEqualTo(Duration.ofMillis(500));
    assertThat(backoff.next(IO)).isEqualTo(Duration.ofMillis(900));
  }

  @Test
  void theCeilingDoublesFrom200MillisecondsUpTo30Seconds() {
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), drawing(1.0));
    long[] expectedCeilingsMs = {200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000};

    for (long ceiling : expectedCeilingsMs) {
      assertThat(backoff.next(IO).toMillis()).isEqualTo(ceiling);
    }
  }

  @Test
  void fullJitterCanDrawAnythingDownToTheFloorButNeverBelow() {
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), drawing(0.0));

    for (int i = 0; i < 20; i++) {
      assertThat(backoff.next(IO)).isEqualTo(Duration.ofMillis(200));
    }
  }

  @Test
  void anApiErrorBacksOffThreeStepsAtOnce() {
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), drawing(1.0));

    assertThat(backoff.next(new CtcApiException("40001", "bad secret", 200)).toMillis()).isEqualTo(800);
    assertThat(backoff.next(new CtcApiException("40001", "bad secret", 200)).toMillis()).isEqualTo(6400);
  }

  @Test
  void aSuccessResetsTheSequence() {
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), drawing(1.0));
    backoff.next(IO);
    backoff.next(IO);

    backoff.reset();

    assertThat(backoff.next(IO).toMillis()).isEqualTo(200);
  }
}
