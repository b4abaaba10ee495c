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
 * up) would still renew together, every lifetime, so a registry gives each client a first-renewal
 * phase in [0, 1): its first renewal starts that fraction of {@value #FIRST_RENEWAL_SPREAD} of its first
 * cycle early. One early renewal per client spreads them for good, since each later cycle keeps its
 * phase. The registry draws the phases as a low-discrepancy sequence (multiples of the golden ratio),
 * so any stretch of the spread holds its share of the clients, not its share plus chance.
 */
final class RenewalSpread {

  static final double FIRST_RENEWAL_SPREAD = 0.3;
  private static final long LATE_CAP_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final DoubleSupplier random;
  private final Double firstRenewalPhase;

  /** @param firstRenewalPhase where in the early spread the first renewal starts; {@code null} for no early start */
  RenewalSpread(DoubleSupplier random, Double firstRenewalPhase) {
    this.random = random;
    this.firstRenewalPhase = firstRenewalPhase;
  }

  /** The {@code n}-th phase of the golden-ratio sequence: evenly spread over [0, 1) for any prefix. */
  static double phase(long n) {
    double golden = 0.6180339887498949;
    double x = n * golden;
    return x - Math.floor(x);
  }

  /**
   * The delay, from {@code held}'s refresh point, of its renewal's start: positive is later, negative
   * earlier.
   *
   * @param now this node's monotonic time
   * @param firstToken whether {@code held} is the first token the manager holds
   */
  long delayNanos(Held held, long now, boolean firstToken) {
    if (firstToken && firstRenewalPhase != null) {
      long cycle = Math.max(0, held.refreshAtNanos() - now);
      return -(long) (firstRenewalPhase * FIRST_RENEWAL_SPREAD * cycle);
    }
    long window = Math.min(held.refreshAheadNanos() / 4, LATE_CAP_NANOS);
    return window <= 0 ? 0 : (long) (random.getAsDouble() * window);
  }
}
