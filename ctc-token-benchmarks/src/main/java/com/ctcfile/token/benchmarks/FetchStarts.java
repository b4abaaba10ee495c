package com.ctcfile.token.benchmarks;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.core.port.TokenKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records when each renewal ahead of expiry started ({@code fetchStarted} with reason
 * {@link FetchReason#REFRESH_AHEAD}, on {@link System#nanoTime()}) into an array allocated up front,
 * so recording allocates nothing while heap is being measured; and counts failed fetches. Thread-safe;
 * starts beyond the capacity are counted but not recorded.
 */
final class FetchStarts implements TokenEventListener {

  private final long[] times;
  private final AtomicInteger refreshAhead = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();

  FetchStarts(int capacity) {
    this.times = new long[capacity];
  }

  @Override
  public void fetchStarted(TokenKey key, FetchReason reason) {
    if (reason == FetchReason.REFRESH_AHEAD) {
      int slot = refreshAhead.getAndIncrement();
      if (slot < times.length) {
        times[slot] = System.nanoTime();
      }
    }
  }

  @Override
  public void fetchFailed(TokenKey key, CtcTokenException failure, Duration retryIn) {
    failed.incrementAndGet();
  }

  /** Forgets what was recorded. Call only while no fetch runs. */
  void reset() {
    refreshAhead.set(0);
    failed.set(0);
  }

  int refreshAheadStarts() {
    return refreshAhead.get();
  }

  int failed() {
    return failed.get();
  }

  /**
   * The recorded start times, sorted. Call once the renewals of interest have started: a slot taken
   * but not yet written by a concurrent start reads as 0 and is left out.
   */
  long[] refreshAheadTimes() {
    int recorded = Math.min(refreshAhead.get(), times.length);
    return Arrays.stream(times, 0, recorded).filter(t -> t != 0).sorted().toArray();
  }
}
