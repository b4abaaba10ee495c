package com.ctcfile.token.core;

import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.CtcTokenException;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter above a floor: after the n-th consecutive failure the next
 * attempt waits {@code min + jitter * (ceiling - min)} with {@code ceiling = min(max, min * 2^(n-1))}
 * and {@code jitter} uniform in [0, 1].
 *
 * <p>The floor keeps even an unlucky draw from turning into a tight loop. A CTC API error (wrong
 * credentials, say) will not heal by itself, so it counts as three failures and backs off faster.
 * The jitter source is injected so tests can pin it. Thread-safe.
 */
final class Backoff {

  private static final int API_ERROR_WEIGHT = 3;

  private final long minNanos;
  private final long maxNanos;
  private final DoubleSupplier jitter;
  private int failures;

  Backoff(Duration min, Duration max, DoubleSupplier jitter) {
    this.minNanos = min.toNanos();
    this.maxNanos = Math.max(max.toNanos(), minNanos);
    this.jitter = jitter;
  }

  /** Records a failure and returns how long to wait before the next attempt. */
  synchronized Duration next(CtcTokenException failure) {
    failures = Math.min(failures + (failure instanceof CtcApiException ? API_ERROR_WEIGHT : 1), 62);
    long ceiling = minNanos;
    for (int i = 1; i < failures && ceiling < maxNanos; i++) {
      ceiling = Math.min(maxNanos, ceiling * 2);
    }
    double draw = Math.max(0, Math.min(1, jitter.getAsDouble()));
    return Duration.ofNanos(minNanos + Math.round(draw * (ceiling - minNanos)));
  }

  /** Forgets past failures after a success. */
  synchronized void reset() {
    failures = 0;
  }
}
