package com.ctcfile.token.core.internal;

import com.ctcfile.token.core.port.TokenClock;
import java.time.Duration;
import java.util.Optional;

/**
 * Allows one rejection-triggered fetch per interval. The first one is always allowed, however recent
 * any other fetch was: a 401 right after a scheduled renewal still gets its renewal. Thread-safe.
 */
public final class RejectionRateLimit {

  private final TokenClock clock;
  private final long intervalNanos;
  private boolean used;
  private long lastNanos;

  public RejectionRateLimit(TokenClock clock, Duration interval) {
    this.clock = clock;
    this.intervalNanos = interval.toNanos();
  }

  /** Takes the permit; empty if granted, else how long until one is free. */
  public synchronized Optional<Duration> tryAcquire() {
    long now = clock.nanoTime();
    long waited = now - lastNanos;
    if (used && waited < intervalNanos) {
      return Optional.of(Duration.ofNanos(intervalNanos - waited));
    }
    used = true;
    lastNanos = now;
    return Optional.empty();
  }
}
