package com.ctcfile.token.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the API calls of one node ended with, after the bearer integration's one replay of a 401:
 * when each started and ended ({@link System#nanoTime()}) and, for a call that failed, how (a status
 * such as {@code status401}, or the simple name of the exception the call threw). Thread-safe;
 * queries copy.
 */
final class CallLog {

  /** One API call: accepted if {@code failure} is {@code null}. */
  record Call(long startNanos, long endNanos, String failure) {
    boolean accepted() {
      return failure == null;
    }
  }

  /** A stretch of time, {@link System#nanoTime()} at both ends, inside which a fault may make calls fail. */
  record Window(long fromNanos, long toNanos) {
    /** No window: a fault whose calls must never fail. */
    static final Window NONE = new Window(0, -1);

    boolean contains(long nanos) {
      return this != NONE && nanos - fromNanos >= 0 && toNanos - nanos >= 0;
    }
  }

  private final List<Call> calls = new ArrayList<>();

  void record(long startNanos, long endNanos, String failure) {
    synchronized (calls) {
      calls.add(new Call(startNanos, endNanos, failure));
    }
  }

  List<Call> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  long count() {
    synchronized (calls) {
      return calls.size();
    }
  }

  List<Call> failures() {
    return calls().stream().filter(call -> !call.accepted()).toList();
  }

  /** Failed calls that ended inside {@code window}. */
  long failuresInside(Window window) {
    return failures().stream().filter(call -> window.contains(call.endNanos())).count();
  }

  /** Failed calls that ended outside {@code window}. */
  long failuresOutside(Window window) {
    return failures().stream().filter(call -> !window.contains(call.endNanos())).count();
  }

  /** When the first accepted call that started at or after {@code nanos} ended; empty if none has yet. */
  OptionalLong firstAcceptedAfter(long nanos) {
    return calls().stream().filter(call -> call.accepted() && call.startNanos() - nanos >= 0)
        .mapToLong(Call::endNanos).min();
  }

  /** How the failed calls failed, e.g. {@code {RenewalRateLimitedException=3}}; empty for none. */
  Map<String, Long> failureKinds() {
    return failures().stream().collect(Collectors.groupingBy(Call::failure, TreeMap::new, Collectors.counting()));
  }
}
