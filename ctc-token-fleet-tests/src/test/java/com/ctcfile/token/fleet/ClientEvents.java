package com.ctcfile.token.fleet;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.core.port.TokenKey;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TokenEventListener} for a whole registry: what happened to each client id, told apart by
 * the event's key. Thread-safe; never blocks.
 */
final class ClientEvents implements TokenEventListener {

  /** One client's counts. */
  static final class Counts {
    private final Map<FetchReason, AtomicInteger> started = new EnumMap<>(FetchReason.class);
    final AtomicInteger succeeded = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();

    Counts() {
      for (FetchReason reason : FetchReason.values()) {
        started.put(reason, new AtomicInteger());
      }
    }

    int started(FetchReason reason) {
      return started.get(reason).get();
    }

    @Override
    public String toString() {
      return "started " + started + ", succeeded " + succeeded + ", failed " + failed;
    }
  }

  private static final Counts NONE = new Counts();

  private final Map<String, Counts> byClient = new ConcurrentHashMap<>();

  @Override
  public void fetchStarted(TokenKey key, FetchReason reason) {
    of(key).started.get(reason).incrementAndGet();
  }

  @Override
  public void fetchSucceeded(TokenKey key, long version, Duration took) {
    of(key).succeeded.incrementAndGet();
  }

  @Override
  public void fetchFailed(TokenKey key, CtcTokenException failure, Duration retryIn) {
    of(key).failed.incrementAndGet();
  }

  /** The counts of {@code clientId}; all zero if nothing happened to it. */
  Counts of(String clientId) {
    return byClient.getOrDefault(clientId, NONE);
  }

  private Counts of(TokenKey key) {
    return byClient.computeIfAbsent(key.clientId(), id -> new Counts());
  }
}
