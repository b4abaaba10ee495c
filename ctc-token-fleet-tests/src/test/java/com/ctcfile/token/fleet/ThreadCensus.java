package com.ctcfile.token.fleet;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a test body on a thread of a {@link ThreadGroup} of its own and counts the library's threads in
 * that group by role. A thread belongs to the group of the thread that starts it, so every thread the
 * body's transport, store and registry start, and every thread those threads start, is in the group,
 * while the threads of test classes running side by side in this JVM are not: the count is this
 * body's alone. Thread-safe.
 */
final class ThreadCensus {

  /** What every thread the library starts is named after. */
  static final String LIBRARY_PREFIX = "ctc-token-";
  // ctc-token-<role>-<instance number>[-<rest>], e.g. ctc-token-registry-3-timer-1, ctc-token-jdbc-store-2-sql-1
  private static final Pattern ROLE = Pattern.compile("^" + LIBRARY_PREFIX + "([a-z0-9]+(?:-[a-z][a-z0-9]*)*)-\\d+(?:-.*)?$");

  /** A test body that may throw. */
  interface Body {
    void run() throws Exception;
  }

  private final ThreadGroup group = new ThreadGroup("census-" + UUID.randomUUID().toString().substring(0, 8));

  /**
   * Runs {@code body} on a new thread of this census's group and waits for it, at most {@code limit}.
   * What the body throws is thrown here.
   */
  void run(Duration limit, Body body) throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread = new Thread(group, () -> {
      try {
        body.run();
      } catch (Throwable t) {
        failure.set(t);
      }
    }, group.getName() + "-body");
    thread.start();
    try {
      thread.join(limit.toMillis());
    } finally {
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(5_000);
      }
    }
    if (thread.isAlive()) {
      throw new AssertionError("the test body did not end within " + limit);
    }
    Throwable thrown = failure.get();
    if (thrown instanceof Exception) {
      throw (Exception) thrown;
    }
    if (thrown instanceof Error) {
      throw (Error) thrown;
    }
  }

  /**
   * The live threads of the group named {@code ctc-token-*}, counted by role: {@code registry},
   * {@code httpclient5}, {@code jdbc-store}, or whatever else the name says ({@code timer} would be a
   * manager's own timer).
   */
  Map<String, Integer> libraryThreads() {
    Map<String, Integer> roles = new TreeMap<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.isAlive() && thread.getThreadGroup() == group && thread.getName().startsWith(LIBRARY_PREFIX)) {
        Matcher role = ROLE.matcher(thread.getName());
        roles.merge(role.matches() ? role.group(1) : thread.getName(), 1, Integer::sum);
      }
    }
    return roles;
  }

  /** The number of live library threads of the group. */
  int libraryThreadCount() {
    return libraryThreads().values().stream().mapToInt(Integer::intValue).sum();
  }

  @Override
  public String toString() {
    return "ThreadCensus{" + group.getName() + ", " + libraryThreads() + "}";
  }
}
