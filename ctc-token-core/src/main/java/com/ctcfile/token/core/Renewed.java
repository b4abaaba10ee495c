package com.ctcfile.token.core;

import com.ctcfile.token.CtcTokenException;
import java.time.Duration;
import java.time.Instant;

/**
 * The outcome of a renewal that produced a token: the token and when it expires (on this node's
 * monotonic clock and as an instant), the lifetime it was issued with, the store's version of it and
 * when it was published (mapped onto this node's clock), and whether this node fetched it.
 *
 * <p>A token this node fetched but could not publish (the store kept failing) is still a token the
 * endpoint accepts, and the only one, since fetching it invalidated every other: it is served, with
 * {@code storeVersion} {@link Held#NOT_IN_STORE} and the store's failure in {@code publishFailure},
 * which puts the node into backoff.
 */
record Renewed(String value, String type, Instant expiresAt, long expiresAtNanos, Duration lifetime,
    long storeVersion, long publishedAtNanos, boolean fetched, CtcTokenException publishFailure) {

  boolean published() {
    return storeVersion != Held.NOT_IN_STORE;
  }
}
