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

  /** How a fetch this node started ended, for {@link #fetchCompleted}. */
  enum FetchOutcome {
    /** The token was fetched and published (or, with the store unreachable, kept by this node). */
    SUCCESS,
    /** The endpoint answered a CTC errcode ({@link com.ctcfile.token.CtcApiException}). */
    API_ERROR,
    /** The endpoint could not be reached or answered in time ({@link com.ctcfile.token.TokenTransportException}). */
    TRANSPORT_ERROR,
    /** The endpoint's reply could not be accepted ({@link com.ctcfile.token.TokenProtocolException}). */
    PROTOCOL_ERROR,
    /** The store failed while the fetched token was being published. */
    STORE_ERROR,
    /** The lease ran out, or was taken, before the token could be published: it was discarded. */
    LEASE_LOST
  }

  /** A fetch from the token endpoint started; with a shared store, this node holds the lease. */
  default void fetchStarted(TokenKey key, FetchReason reason) {}

  /** A fetch succeeded and its token was published as {@code version}. */
  default void fetchSucceeded(TokenKey key, long version, Duration took) {}

  /** A fetch failed; the next attempt comes no sooner than {@code retryIn}. */
  default void fetchFailed(TokenKey key, CtcTokenException failure, Duration retryIn) {}

  /**
   * A fetch this node started ended, however it ended: one event per {@link #fetchStarted}, with the
   * same reason, after {@link #fetchSucceeded}, {@link #fetchFailed} or {@link #leaseLost}.
   */
  default void fetchCompleted(TokenKey key, FetchReason reason, FetchOutcome outcome, Duration took) {}

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

  /**
   * The API rejected the fleet's newest token of {@code version} while it should still be valid, and
   * no node of the fleet has fetched since it was published: something outside the fleet (an instance
   * without the shared store, a script, a {@code curl} of the token endpoint) fetched with the same
   * credentials and invalidated it. The manager also logs this, at most once a minute per key.
   */
  default void foreignFetchSuspected(TokenKey key, long version) {}
}
