package com.ctcfile.token.core;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many fetches the managers of one {@link TokenRegistry} may have under way at once. Thousands of
 * clients renewing together would otherwise queue in the transport's connection pool with their fetch
 * timeouts running, time out without ever reaching the endpoint, and make their fleets settle. A
 * renewal takes a permit before it asks for the lease, so a waiting renewal holds no lease; the wait
 * is asynchronous. A manager built alone takes its permits from {@link #UNLIMITED}. Thread-safe.
 */
final class FetchPermits {

  /** Never makes anyone wait. */
  static final FetchPermits UNLIMITED = new FetchPermits(Integer.MAX_VALUE);

  private final int max;
  private final Deque<CompletableFuture<Permit>> waiting = new ArrayDeque<>();
  private int inUse;

  FetchPermits(int max) {
    this.max = max;
  }

  /** A permit, at once if one is free, else when one is released; first come, first served. */
  CompletableFuture<Permit> acquire() {
    synchronized (this) {
      if (inUse < max) {
        inUse++;
        return CompletableFuture.completedFuture(new Permit());
      }
      CompletableFuture<Permit> later = new CompletableFuture<>();
      waiting.add(later);
      return later;
    }
  }

  private void handBack() {
    CompletableFuture<Permit> next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        inUse--;
        return;
      }
    }
    // completed outside the lock: the renewal continues on this thread
    if (!next.complete(new Permit())) {
      handBack(); // its waiter gave up (cancelled): pass the permit on
    }
  }

  /** One fetch's right to run; release it exactly once, however the fetch ends. */
  final class Permit {
    private final AtomicBoolean released = new AtomicBoolean();

    /** Frees the permit; later calls do nothing. */
    void release() {
      if (released.compareAndSet(false, true)) {
        handBack();
      }
    }
  }
}
