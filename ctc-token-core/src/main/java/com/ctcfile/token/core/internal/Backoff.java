package com.ctcfile.token.core.internal;

import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.CtcTokenException;
import java.time.Duration;
import java.util.Random;

/**
 * Exponential backoff with full jitter above a floor: after the n-th consecutive failure the next
 * attempt waits a uniformly random time in {@code [min, min(max, min * 2^(n-1))]}.
 *
 * <p>The floor keeps even an unlucky draw from turning into a tight loop. A CTC API error (wrong
 * credentials, say) will not heal by itself, so it counts as three failures and backs off faster.
 * Thread-safe.
 */
public final class Backoff {

  private static final int API_ERROR_WEIGHT = 3;

  private final long minNanos;
  private final long maxNanos;
  private final Random random;
  private int failures;

  public Backoff(Duration min, Duration max, Random random) {
    this.minNanos = min.toNanos();
    this.maxNanos = Math.max(max.toNanos(), minNanos);
    this.random = random;
  }

  /** Records a failure and returns how long to wait before the next attempt. */
  public synchronized Duration next(CtcTokenException failure) {
    failures = Math.min(failures + (failure instanceof CtcApiException ? API_ERROR_WEIGHT : 1), 62);
    long ceiling = minNanos;
    for (int i = 1; i < failures && ceiling < maxNanos; i++) {
      ceiling = Math.min(maxNanos, ceiling * 2);
    }
    long spread = ceiling - minNanos;
    long jitter = spread <= 0 ? 0 : (long) (random.nextDouble() * (spread + 1));
    return Duration.ofNanos(minNanos + jitter);
  }

  /** Forgets past failures after a success. */
  public synchronized void reset() {
    failures = 0;
  }
}
