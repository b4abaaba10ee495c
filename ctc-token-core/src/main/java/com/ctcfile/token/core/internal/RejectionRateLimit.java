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

  /**
   * Whether a rejection-triggered fetch may start now: empty if so, else how long until it may. Does
   * not take the permit; {@link #consume()} does, once the fetch really starts (with a shared store,
   * another node may win the lease and do it instead).
   */
  public synchronized Optional<Duration> check() {
    long waited = clock.nanoTime() - lastNanos;
    return used && waited < intervalNanos ? Optional.of(Duration.ofNanos(intervalNanos - waited)) : Optional.empty();
  }

  /** Records that a rejection-triggered fetch starts now. */
  public synchronized void consume() {
    used = true;
    lastNanos = clock.nanoTime();
  }
}
