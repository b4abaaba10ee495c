package com.ctcfile.token.core;

import com.ctcfile.token.core.port.FreshToken;
import com.ctcfile.token.core.port.FetchFailure;
import com.ctcfile.token.core.port.LeaseRequest;
import com.ctcfile.token.core.port.RenewalLease;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.core.port.TokenStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a store to count calls, and to fail them on demand like an unreachable database. */
class CountingStore implements TokenStore {

  private final TokenStore delegate;
  final AtomicInteger reads = new AtomicInteger();
  final AtomicInteger leases = new AtomicInteger();
  final AtomicInteger publishes = new AtomicInteger();
  final AtomicInteger releases = new AtomicInteger();
  private volatile RuntimeException failure;

  CountingStore(TokenStore delegate) {
    this.delegate = delegate;
  }

  /** Every call fails with {@code failure} until it is {@code null} again. */
  void failWith(RuntimeException failure) {
    this.failure = failure;
  }

  int calls() {
    return reads.get() + leases.get() + publishes.get() + releases.get();
  }

  @Override
  public CompletionStage<Optional<StoredToken>> read(TokenKey key) {
    reads.incrementAndGet();
    return failure != null ? CompletableFuture.failedFuture(failure) : delegate.read(key);
  }

  @Override
  public CompletionStage<Optional<RenewalLease>> tryLease(LeaseRequest request) {
    leases.incrementAndGet();
    return failure != null ? CompletableFuture.failedFuture(failure) : delegate.tryLease(request);
  }

  @Override
  public CompletionStage<Optional<StoredToken>> publish(RenewalLease lease, FreshToken token) {
    publishes.incrementAndGet();
    return failure != null ? CompletableFuture.failedFuture(failure) : delegate.publish(lease, token);
  }

  @Override
  public CompletionStage<Void> releaseAfterFailure(RenewalLease lease, FetchFailure fetchFailure) {
    releases.incrementAndGet();
    return failure != null ? CompletableFuture.failedFuture(this.failure) : delegate.releaseAfterFailure(lease, fetchFailure);
  }
}
