package com.ctcfile.token.core;

import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Where in its refresh window each renewal starts, so that nodes and clients do not all renew at the
 * same instant.
 *
 * <p>Every renewal starts up to a quarter of the refresh-ahead window (at most 30 s) after the
 * refresh point, at random: the nodes of a fleet then mostly find the first one's token instead of
 * queueing for the lease. Many clients that got their first tokens together (a registry starting
 * up) would still renew together, every lifetime, so with {@code spreadFirstRenewal} a client's first
 * renewal also starts up to {@value #FIRST_RENEWAL_SPREAD} of its first cycle early, at random: one
 * early renewal per client spreads them for good, since each later cycle keeps its phase.
 */
final class RenewalSpread {

  static final double FIRST_RENEWAL_SPREAD = 0.3;
  private static final long LATE_CAP_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final DoubleSupplier random;
  private final boolean spreadFirstRenewal;

  RenewalSpread(DoubleSupplier random, boolean spreadFirstRenewal) {
    this.random = random;
    this.spreadFirstRenewal = spreadFirstRenewal;
  }

  /**
   * The delay, from {@code held}'s refresh point, of its renewal's start: positive is later, negative
   * earlier.
   *
   * @param now this node's monotonic time
   * @param firstToken whether {@code held} is the first token the manager holds
   */
  long delayNanos(Held held, long now, boolean firstToken) {
    if (firstToken && spreadFirstRenewal) {
      long cycle = Math.max(0, held.refreshAtNanos() - now);
      return -(long) (random.getAsDouble() * FIRST_RENEWAL_SPREAD * cycle);
    }
    long window = Math.min(held.refreshAheadNanos() / 4, LATE_CAP_NANOS);
    return window <= 0 ? 0 : (long) (random.getAsDouble() * window);
  }
}
