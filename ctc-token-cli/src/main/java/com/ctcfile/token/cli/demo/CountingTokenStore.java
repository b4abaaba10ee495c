package com.ctcfile.token.cli.demo;

import com.ctcfile.token.core.port.FetchFailure;
import com.ctcfile.token.core.port.FreshToken;
import com.ctcfile.token.core.port.LeaseRequest;
import com.ctcfile.token.core.port.RenewalLease;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.core.port.TokenStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A {@link TokenStore} that passes every call on and counts what a {@code TokenEventListener} would
 * report: a granted lease is a fetch starting (a node fetches only under the lease), a successful
 * publish the version it fetched. Thread-safe as the store it wraps; closing closes that store.
 */
final class CountingTokenStore implements TokenStore {

  private final TokenStore store;
  private final NodeStats stats;

  CountingTokenStore(TokenStore store, NodeStats stats) {
    this.store = store;
    this.stats = stats;
  }

  @Override
  public CompletionStage<Optional<StoredToken>> read(TokenKey key) {
    return store.read(key);
  }

  @Override
  public CompletionStage<Optional<RenewalLease>> tryLease(LeaseRequest request) {
    return store.tryLease(request).thenApply(lease -> {
      if (lease.isPresent()) {
        stats.fetchStarted();
      }
      return lease;
    });
  }

  @Override
  public CompletionStage<Optional<StoredToken>> publish(RenewalLease lease, FreshToken token) {
    return store.publish(lease, token).thenApply(row -> {
      row.ifPresent(published -> stats.published(published.version()));
      return row;
    });
  }

  @Override
  public CompletionStage<Void> releaseAfterFailure(RenewalLease lease, FetchFailure failure) {
    return store.releaseAfterFailure(lease, failure);
  }

  @Override
  public void close() {
    store.close();
  }

  @Override
  public String toString() {
    return "CountingTokenStore{" + store + "}";
  }
}
