package com.ctcfile.token.core.port;

import com.ctcfile.token.CtcTokenException;
import java.time.Duration;

/**
 * Observes what a {@code TokenManager} does, for metrics and logs, without touching core.
 *
 * <p>Every method has an empty default, so a listener overrides only what it needs. Methods are
 * called on the thread that did the work (often an HTTP client's I/O thread): keep them short and
 * never block. An exception thrown by a listener is ignored. Arguments never carry the secret or a
 * token value.
 */
public interface TokenEventListener {

  /** Why a fetch of a new token started. */
  enum FetchReason {
    /** No token was held yet. */
    INITIAL,
    /** The held token entered its refresh-ahead window. */
    REFRESH_AHEAD,
    /** The held token had expired. */
    EXPIRED,
    /** The API rejected the newest token (renewal after rejection). */
    REJECTED
  }

  /** A fetch from the token endpoint started; with a shared store, this node holds the lease. */
  default void fetchStarted(TokenKey key, FetchReason reason) {}

  /** A fetch succeeded and its token was published as {@code version}. */
  default void fetchSucceeded(TokenKey key, long version, Duration took) {}

  /** A fetch failed; the next attempt comes no sooner than {@code retryIn}. */
  default void fetchFailed(TokenKey key, CtcTokenException failure, Duration retryIn) {}

  /** A newer token was taken from the shared store, without fetching. */
  default void tokenAdopted(TokenKey key, long version) {}

  /**
   * A renewal after rejection of {@code rejectedVersion} ended with {@code newVersion}, fetched by
   * this node ({@code fetched}) or found already renewed.
   */
  default void renewedAfterRejection(TokenKey key, long rejectedVersion, long newVersion, boolean fetched) {}

  /** A renewal after rejection was refused by the rate limit. */
  default void rejectionRateLimited(TokenKey key, long rejectedVersion, Duration retryAfter) {}

  /** This node's lease ran out or was taken before it could publish: its fetched token was discarded. */
  default void leaseLost(TokenKey key, long seenVersion) {}

  /** The store failed; the node keeps serving a valid token if it holds one. */
  default void storeFailed(TokenKey key, CtcTokenException failure) {}
}
