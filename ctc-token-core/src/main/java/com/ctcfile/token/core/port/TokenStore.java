package com.ctcfile.token.core.port;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where the nodes of a fleet keep the one current token of each key, and how they agree on who
 * fetches the next one.
 *
 * <p>The protocol, driven by core's {@code TokenManager} (docs/ARCHITECTURE.md draws it as a
 * sequence):
 * <ol>
 *   <li>{@link #read} the row. A valid token that is not the node's own, and was published after it,
 *       is adopted: no fetch. Tokens are compared by value and publish time, never by version alone.
 *   <li>{@link #tryLease} with the version just read. At most one node gets the lease, with a random
 *       id of its own; the others keep serving their token and re-read until the next token appears
 *       or the lease runs out.
 *   <li>The lease holder fetches, outside any store transaction, then {@link #publish}es. Publishing
 *       is fenced: it succeeds only if the lease (its id) is still live and the version is still the
 *       one it saw. A refused publish means the token is discarded and the node re-reads.
 *   <li>A failed fetch (or a publish that kept failing) is reported with {@link #releaseAfterFailure},
 *       which frees the lease and tells the whole fleet when to try again; after a fetch of unknown
 *       outcome the fleet settles first, so a token the endpoint issues late cannot invalidate the
 *       next one.
 * </ol>
 *
 * <p>Every time is measured by the store's clock (a database's {@code CURRENT_TIMESTAMP}, say) and
 * exchanged as durations, so nodes with skewed clocks still agree on leases and expiry.
 *
 * <p>Implementations are thread-safe. Methods never block the caller: a store doing blocking I/O
 * runs it on its own threads. Every stage fails with {@link com.ctcfile.token.TokenStoreException}
 * when the store cannot answer; an outcome the protocol expects (no row, lease not granted, publish
 * fenced) is an empty {@link Optional}, never an exception. A caller may cancel a stage it gave up
 * on (core does, after its store timeout): a store should then not start the call if it has not yet,
 * and may abort it if it has. Stores never log or print token values. The testkit's
 * {@code TokenStoreContractTest} checks every point.
 */
public interface TokenStore extends AutoCloseable {

  /** The row of {@code key}; empty if nothing was ever stored or leased for it. */
  CompletionStage<Optional<StoredToken>> read(TokenKey key);

  /**
   * Grants the lease {@code request} asks for, under the conditions {@link LeaseRequest} lists,
   * atomically: of concurrent callers, at most one gets it. A granted lease carries a fresh random id
   * ({@link RenewalLease#granted}) and replaces any run-out lease of the row; a lease after a rejection
   * also records the store's now as the key's latest rejection-triggered fetch.
   *
   * @return the lease, or empty if it was not granted (the row then tells why)
   */
  CompletionStage<Optional<RenewalLease>> tryLease(LeaseRequest request);

  /**
   * Stores {@code token} as version {@code lease.nextVersion()} with the store's now as its publish
   * time, frees the lease and clears the last error and any settle time, only if {@code lease} (its
   * id) is still live and the version is still {@code lease.seenVersion()}.
   *
   * @return the stored row, or empty if the publish was fenced off (nothing changed)
   * @throws com.ctcfile.token.TokenStoreException (in the stage) also when the token cannot be stored,
   *     e.g. it is longer than the store can hold; nothing is written then
   */
  CompletionStage<Optional<StoredToken>> publish(RenewalLease lease, FreshToken token);

  /**
   * Frees {@code lease} after a failed fetch or publish and records {@code failure}: its code, the
   * time before which no node should start a due fetch, and the time the fleet settles. Does nothing
   * if the lease (its id) is no longer live, or the version has moved on.
   */
  CompletionStage<Void> releaseAfterFailure(RenewalLease lease, FetchFailure failure);

  /**
   * Releases what the store owns (threads, not a caller's {@code DataSource}), also when a call is
   * stuck: a store aborts what it cannot end otherwise. Idempotent.
   */
  @Override
  default void close() {}
}
