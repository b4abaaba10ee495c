package com.ctcfile.token.fleet;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.core.port.TokenKey;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TokenEventListener} that counts what one manager did: fetches started and published,
 * failed fetches, tokens adopted from the store, leases lost, store failures. Thread-safe; never
 * blocks.
 */
final class EventCounts implements TokenEventListener {

  private final AtomicLong fetchesStarted = new AtomicLong();
  private final AtomicLong fetches = new AtomicLong();
  private final AtomicLong fetchesFailed = new AtomicLong();
  private final AtomicLong adopted = new AtomicLong();
  private final AtomicLong leaseLost = new AtomicLong();
  private final AtomicLong storeFailed = new AtomicLong();
  private final AtomicLong firstStoreFailureNanos = new AtomicLong();

  @Override
  public void fetchStarted(TokenKey key, FetchReason reason) {
    fetchesStarted.incrementAndGet();
  }

  @Override
  public void fetchSucceeded(TokenKey key, long version, Duration took) {
    fetches.incrementAndGet();
  }

  @Override
  public void fetchFailed(TokenKey key, CtcTokenException failure, Duration retryIn) {
    fetchesFailed.incrementAndGet();
  }

  @Override
  public void tokenAdopted(TokenKey key, long version) {
    adopted.incrementAndGet();
  }

  @Override
  public void leaseLost(TokenKey key, long seenVersion) {
    leaseLost.incrementAndGet();
  }

  @Override
  public void storeFailed(TokenKey key, CtcTokenException failure) {
    // set before the count, so whoever sees a count sees the time
    firstStoreFailureNanos.compareAndSet(0L, System.nanoTime());
    storeFailed.incrementAndGet();
  }

  /** Fetches started: with a shared store, each under the lease. */
  long fetchesStarted() {
    return fetchesStarted.get();
  }

  /** Fetches whose token was published. */
  long fetches() {
    return fetches.get();
  }

  long fetchesFailed() {
    return fetchesFailed.get();
  }

  long adopted() {
    return adopted.get();
  }

  long leaseLost() {
    return leaseLost.get();
  }

  long storeFailed() {
    return storeFailed.get();
  }

  /** {@link System#nanoTime()} of the first store failure; meaningless while {@link #storeFailed()} is 0. */
  long firstStoreFailureNanos() {
    return firstStoreFailureNanos.get();
  }

  @Override
  public String toString() {
    return "fetchesStarted=" + fetchesStarted + " fetches=" + fetches + " fetchesFailed=" + fetchesFailed
        + " adopted=" + adopted + " leaseLost=" + leaseLost + " storeFailed=" + storeFailed;
  }
}
