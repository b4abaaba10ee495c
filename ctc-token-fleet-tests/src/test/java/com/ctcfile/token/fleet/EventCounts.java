package com.ctcfile.token.fleet;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.core.port.TokenKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A {@link TokenEventListener} that counts what one manager did: fetches started (and why, and when)
 * and published, failed fetches, tokens adopted from the store, leases lost, store failures (and how
 * many were the store timeout), suspected foreign fetches, rate-limited renewals after a rejection,
 * and the shortest time between two fetches of the node; optionally describes each event in a line of
 * its own. Thread-safe; never blocks beyond its log.
 */
final class EventCounts implements TokenEventListener {

  private final AtomicLong fetchesStarted = new AtomicLong();
  private final AtomicLong fetches = new AtomicLong();
  private final AtomicLong fetchesFailed = new AtomicLong();
  private final AtomicLong adopted = new AtomicLong();
  private final AtomicLong leaseLost = new AtomicLong();
  private final AtomicLong storeFailed = new AtomicLong();
  private final AtomicLong storeTimeouts = new AtomicLong();
  private final AtomicLong foreignFetchSuspected = new AtomicLong();
  private final AtomicLong rejectionRateLimited = new AtomicLong();
  private final List<Started> started = new ArrayList<>();
  private final AtomicLong firstStoreFailureNanos = new AtomicLong();
  private final Map<FetchReason, AtomicLong> reasons = new ConcurrentHashMap<>();
  private final AtomicLong lastStartedNanos = new AtomicLong();
  private final AtomicLong shortestRefetchNanos = new AtomicLong(Long.MAX_VALUE);
  private final Consumer<String> log;

  /** When a fetch of this node started, on {@link System#nanoTime()}, and why. */
  record Started(long nanos, FetchReason reason) {}

  /** Counts only. */
  EventCounts() {
    this(line -> {});
  }

  /** Counts, and describes each event in one line (wall-clock millis first) to {@code log}. */
  EventCounts(Consumer<String> log) {
    this.log = log;
  }

  @Override
  public void fetchStarted(TokenKey key, FetchReason reason) {
    log("fetchStarted " + reason);
    long now = System.nanoTime();
    synchronized (started) {
      started.add(new Started(now, reason));
    }
    fetchesStarted.incrementAndGet();
    reasons.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    long last = lastStartedNanos.getAndSet(now);
    if (last != 0) {
      shortestRefetchNanos.accumulateAndGet(now - last, Math::min);
    }
  }

  @Override
  public void fetchSucceeded(TokenKey key, long version, Duration took) {
    log("fetched v" + version + " in " + took.toMillis() + " ms");
    fetches.incrementAndGet();
  }

  @Override
  public void fetchFailed(TokenKey key, CtcTokenException failure, Duration retryIn) {
    log("fetchFailed " + failure.getClass().getSimpleName() + ", retry in " + retryIn.toMillis() + " ms");
    fetchesFailed.incrementAndGet();
  }

  @Override
  public void tokenAdopted(TokenKey key, long version) {
    log("adopted v" + version);
    adopted.incrementAndGet();
  }

  @Override
  public void leaseLost(TokenKey key, long seenVersion) {
    log("leaseLost after v" + seenVersion);
    leaseLost.incrementAndGet();
  }

  @Override
  public void storeFailed(TokenKey key, CtcTokenException failure) {
    // the manager's own deadline says so in its message, which names the key and the timeout only
    boolean timedOut = String.valueOf(failure.getMessage()).contains("within the store timeout");
    log("storeFailed " + failure.getClass().getSimpleName() + (timedOut ? " (store timeout)" : ""));
    // set before the count, so whoever sees a count sees the time
    firstStoreFailureNanos.compareAndSet(0L, System.nanoTime());
    if (timedOut) {
      storeTimeouts.incrementAndGet();
    }
    storeFailed.incrementAndGet();
  }

  @Override
  public void foreignFetchSuspected(TokenKey key, long version) {
    log("foreignFetchSuspected v" + version);
    foreignFetchSuspected.incrementAndGet();
  }

  @Override
  public void rejectionRateLimited(TokenKey key, long rejectedVersion, Duration retryAfter) {
    log("rejectionRateLimited v" + rejectedVersion + ", retry after " + retryAfter.toMillis() + " ms");
    rejectionRateLimited.incrementAndGet();
  }

  // class names and versions only: an exception's message is the library's, and stays out of test output
  private void log(String event) {
    log.accept(System.currentTimeMillis() + " " + event);
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

  /** Store failures that were the manager's store timeout: a store call it gave up on at its deadline. */
  long storeTimeouts() {
    return storeTimeouts.get();
  }

  long foreignFetchSuspected() {
    return foreignFetchSuspected.get();
  }

  long rejectionRateLimited() {
    return rejectionRateLimited.get();
  }

  /** Every fetch this node started, in order. */
  List<Started> started() {
    synchronized (started) {
      return List.copyOf(started);
    }
  }

  /** Fetches this node started at or after {@code nanos} ({@link System#nanoTime()}). */
  long fetchesStartedSince(long nanos) {
    return started().stream().filter(s -> s.nanos() - nanos >= 0).count();
  }

  /** Fetches started per reason, e.g. {@code REFRESH_AHEAD:5,INITIAL:1}; {@code -} for none. */
  String fetchReasons() {
    String listed = reasons.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
    return listed.isEmpty() ? "-" : listed;
  }

  /**
   * The shortest time between two fetches this node started, in milliseconds; -1 if it never fetched
   * twice. A node renews its own token no sooner than a renewal cycle after it sent the request for it,
   * so anything shorter is a fetch that should not have happened (unless a 401 asked for it).
   */
  long shortestRefetchMillis() {
    long shortest = shortestRefetchNanos.get();
    return shortest == Long.MAX_VALUE ? -1 : shortest / 1_000_000;
  }

  /** {@link System#nanoTime()} of the first store failure; meaningless while {@link #storeFailed()} is 0. */
  long firstStoreFailureNanos() {
    return firstStoreFailureNanos.get();
  }

  @Override
  public String toString() {
    return "fetchesStarted=" + fetchesStarted + " fetches=" + fetches + " fetchesFailed=" + fetchesFailed
        + " adopted=" + adopted + " leaseLost=" + leaseLost + " storeFailed=" + storeFailed
        + " storeTimeouts=" + storeTimeouts + " foreignFetchSuspected=" + foreignFetchSuspected
        + " rejectionRateLimited=" + rejectionRateLimited
        + " reasons=" + fetchReasons() + " shortestRefetchMillis=" + shortestRefetchMillis();
  }
}
