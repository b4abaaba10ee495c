package com.ctcfile.token.core.port;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where the nodes of a fleet keep the one current token of each key, and how they agree on who
 * fetches the next one.
 *
 * <p>The protocol, driven by core's {@code TokenManager}:
 * <ol>
 *   <li>{@link #read} the row. A newer valid token than the node holds is adopted, no fetch.
 *   <li>{@link #tryLease} with the version just read. At most one node gets the lease; the others keep
 *       serving their token and re-read until the next version appears or the lease runs out.
 *   <li>The lease holder fetches, outside any store transaction, then {@link #publish}es. Publishing is
 *       fenced: it succeeds only if the lease is still the holder's, unexpired, and the version is
 *       still the one it saw. A refused publish means the token is discarded and the node re-reads.
 *   <li>A failed fetch is reported with {@link #releaseAfterFailure}, which frees the lease and tells
 *       the whole fleet when to try again.
 * </ol>
 *
 * <p>Every time is measured by the store's clock (a database's {@code CURRENT_TIMESTAMP}, say) and
 * exchanged as durations, so nodes with skewed clocks still agree on leases and expiry.
 *
 * <p>Implementations are thread-safe. Methods never block the caller: a store doing blocking I/O
 * runs it on its own threads. Every stage fails with {@link com.ctcfile.token.TokenStoreException}
 * when the store cannot answer; an outcome the protocol expects (no row, lease not granted, publish
 * fenced) is an empty {@link Optional}, never an exception. Stores never log or print token values.
 * The testkit's {@code TokenStoreContractTest} checks every point.
 */
public interface TokenStore extends AutoCloseable {

  /** The row of {@code key}; empty if nothing was ever stored or leased for it. */
  CompletionStage<Optional<StoredToken>> read(TokenKey key);

  /**
   * Grants {@code owner} the renewal lease of {@code key} for {@code duration}, but only if no other
   * lease is live and the stored version still equals {@code seenVersion} (0 when there is no row yet;
   * the row is then created). Atomic: of concurrent callers, at most one gets the lease.
   *
   * @return the lease, or empty if it was not granted
   */
  CompletionStage<Optional<RenewalLease>> tryLease(TokenKey key, long seenVersion, String owner, Duration duration);

  /**
   * Stores {@code token} as version {@code lease.nextVersion()}, frees the lease and clears the last
   * error, only if {@code lease} is still live and its owner's and the version is still
   * {@code lease.seenVersion()}.
   *
   * @return the stored row, or empty if the publish was fenced off (nothing changed)
   * @throws com.ctcfile.token.TokenStoreException (in the stage) also when the token cannot be stored,
   *     e.g. it is longer than the store can hold; nothing is written then
   */
  CompletionStage<Optional<StoredToken>> publish(RenewalLease lease, FreshToken token);

  /**
   * Frees {@code lease} after a failed fetch and records {@code errorCode} (short, never a secret) and
   * that no node should fetch before {@code retryAfter} from now. Does nothing if the lease is no
   * longer the owner's.
   */
  CompletionStage<Void> releaseAfterFailure(RenewalLease lease, String errorCode, Duration retryAfter);

  /** Releases what the store owns (threads, not a caller's {@code DataSource}). Idempotent. */
  @Override
  default void close() {}
}
