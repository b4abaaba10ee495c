package com.ctcfile.token;

import java.util.concurrent.CompletionStage;

/**
 * Hands out the current CTC access token of one {@code clientId} and keeps it fresh.
 *
 * <p>Implementations are thread-safe and meant to be shared: build one per {@code clientId} and
 * endpoint for the whole application. Fetching a token invalidates the previous one on the CTC side,
 * so two providers for the same key that do not share a store break each other's tokens.
 *
 * <p>All methods fail with an unchecked {@link CtcTokenException} subtype; none ever returns
 * {@code null}.
 */
public interface TokenProvider extends AutoCloseable {

  /**
   * Returns a token that has not expired yet.
   *
   * <p>Blocks only while no valid token is held, for at most the configured fetch timeout plus the
   * time another node's renewal may take; otherwise returns at once without I/O.
   *
   * @throws CtcApiException if the token endpoint answered with a CTC error code
   * @throws TokenTransportException if the token endpoint could not be reached in time
   * @throws TokenProtocolException if the token endpoint sent a reply that cannot be accepted
   * @throws TokenStoreException if the shared store failed and no valid token is held
   * @throws CtcTokenException for any other reason no valid token can be given, such as a closed
   *     provider; the message says why
   */
  AccessToken token();

  /**
   * Same as {@link #token()} without blocking the calling thread: safe to call from an event loop.
   * The stage completes exceptionally with the exceptions {@link #token()} throws.
   */
  CompletionStage<AccessToken> tokenAsync();

  /**
   * Call after the CTC API rejected {@code rejected} (HTTP 401): compare-and-renew.
   *
   * <p>Returns a newer token than {@code rejected} without fetching when this node or the shared
   * store already has one; otherwise fetches exactly one new token for all concurrent callers (and,
   * with a shared store, for the whole fleet). Rejection-triggered fetches are rate limited, so an API
   * that keeps answering 401 cannot make the provider hammer the token endpoint: inside the limit the
   * call fails promptly with {@link RenewalRateLimitedException}.
   */
  AccessToken renewAfterRejection(AccessToken rejected);

  /** Same as {@link #renewAfterRejection(AccessToken)} without blocking the calling thread. */
  CompletionStage<AccessToken> renewAfterRejectionAsync(AccessToken rejected);

  /**
   * Stops background renewal and releases what the provider owns. Tokens already handed out stay
   * usable; later calls fail with {@link CtcTokenException}. Idempotent.
   */
  @Override
  void close();
}
