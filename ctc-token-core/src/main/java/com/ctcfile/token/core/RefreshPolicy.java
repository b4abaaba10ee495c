package com.ctcfile.token.core;

import java.time.Duration;
import java.util.Optional;

/**
 * When to start renewing a token: {@code refreshAhead} before it expires, by default the smaller of
 * five minutes and 20% of its lifetime. A configured value is capped at half the lifetime, so a short
 * token is not renewed back to back.
 */
final class RefreshPolicy {

  static final Duration DEFAULT_CAP = Duration.ofMinutes(5);

  private final Duration configured;

  /** @param configured the refresh-ahead the user set, or {@code null} for the default */
  RefreshPolicy(Duration configured) {
    this.configured = configured;
  }

  /** How long before expiry a token of {@code lifetime} is renewed. */
  Duration refreshAhead(Duration lifetime) {
    Duration half = lifetime.dividedBy(2);
    Duration wanted = Optional.ofNullable(configured).orElseGet(() -> min(DEFAULT_CAP, lifetime.dividedBy(5)));
    return min(wanted, half);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
