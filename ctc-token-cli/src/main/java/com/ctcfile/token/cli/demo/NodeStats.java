package com.ctcfile.token.cli.demo;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.core.port.TokenKey;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one demo node did: its calls and how they ended, the 401s its bearer integration saw, the
 * fetches it made and the token versions it used. Thread-safe: callers, I/O threads and the token
 * manager's threads all count here.
 */
final class NodeStats {

  private final String name;
  private final String integration;
  private final LongAdder calls = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder final401s = new LongAdder();
  private final LongAdder rejections = new LongAdder();
  private final LongAdder unhealed = new LongAdder();
  private final LongAdder fetches = new LongAdder();
  private final Set<Long> published = ConcurrentHashMap.newKeySet();
  private final Set<Long> seen = ConcurrentHashMap.newKeySet();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();

  /**
   * @param name the node's short name, e.g. {@code vertx}
   * @param integration what puts the token on its calls, e.g. {@code Vert.x WebClient + CtcBearerAuth}
   */
  NodeStats(String name, String integration) {
    this.name = name;
    this.integration = integration;
  }

  String name() {
    return name;
  }

  /** A call came back 200. */
  void callSucceeded() {
    calls.increment();
  }

  /** A call ended in anything but 200: the status it got, or the exception. */
  void callFailed(int status, String what) {
    calls.increment();
    failures.increment();
    if (status == 401) {
      final401s.increment();
    }
    firstFailure.compareAndSet(null, what);
  }

  /** The bearer integration saw a 401 and went for a newer token (to replay the call with it). */
  void rejectionSeen() {
    rejections.increment();
  }

  /** The newer token for a 401 could not be had: that 401 was not healed (the call fails with the reason). */
  void rejectionNotHealed() {
    unhealed.increment();
  }

  /** This node took the fleet's lease and fetched from the token endpoint. */
  void fetchStarted() {
    fetches.increment();
  }

  /** This node published {@code version} to the store, fetched by itself. */
  void published(long version) {
    published.add(version);
  }

  /** This node used the token of {@code version}. */
  void saw(long version) {
    seen.add(version);
  }

  /** Counts fetches and published versions from a {@code TokenManager}'s events. */
  TokenEventListener listener() {
    return new TokenEventListener() {
      @Override
      public void fetchStarted(TokenKey key, FetchReason reason) {
        NodeStats.this.fetchStarted();
      }

      @Override
      public void fetchSucceeded(TokenKey key, long version, java.time.Duration took) {
        published(version);
      }

      @Override
      public void fetchFailed(TokenKey key, CtcTokenException failure, java.time.Duration retryIn) {
        firstFailure.compareAndSet(null, "token fetch failed: " + failure.getMessage());
      }
    };
  }

  /** The counts now. */
  NodeTally tally() {
    long rejected = rejections.sum();
    long notHealed = final401s.sum() + unhealed.sum();
    long adopted = seen.stream().filter(version -> !published.contains(version)).count();
    return new NodeTally(name, integration, calls.sum(), Math.max(0, rejected - notHealed), rejected,
        failures.sum(), fetches.sum(), adopted, seen.size(), firstFailure.get());
  }

  /**
   * One node's counts at one moment.
   *
   * @param calls calls that ended, however
   * @param healed 401s the bearer integration healed (went for a newer token and the replay passed)
   * @param rejections 401s the bearer integration saw, healed or not
   * @param failures calls that did not end in 200
   * @param fetches fetches from the token endpoint by this node
   * @param adopted token versions this node used without fetching them: taken from the store
   * @param versionsSeen token versions this node used
   * @param firstFailure what the first failed call got; null if none failed
   */
  record NodeTally(String name, String integration, long calls, long healed, long rejections, long failures,
      long fetches, long adopted, long versionsSeen, String firstFailure) {}
}
