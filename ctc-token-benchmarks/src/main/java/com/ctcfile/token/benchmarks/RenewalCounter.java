package com.ctcfile.token.benchmarks;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.core.port.TokenKey;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts a manager's finished fetches, so a benchmark can show that renewals really happened while
 * it measured, and that none failed. Thread-safe.
 */
final class RenewalCounter implements TokenEventListener {

  private final AtomicInteger succeeded = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();

  @Override
  public void fetchSucceeded(TokenKey key, long version, Duration took) {
    succeeded.incrementAndGet();
  }

  @Override
  public void fetchFailed(TokenKey key, CtcTokenException failure, Duration retryIn) {
    failed.incrementAndGet();
  }

  int succeeded() {
    return succeeded.get();
  }

  int failed() {
    return failed.get();
  }
}
