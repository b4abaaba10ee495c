package com.ctcfile.token.core.port;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sends of a {@link Transport} that have not completed yet, and whether it is closed: what a
 * transport on an HTTP client that outlives it (the caller's) needs so that {@link Transport#close()}
 * fails the sends still running, instead of leaving their callers waiting on a client that may never
 * answer, and refuses the sends after it. A transport keeps one for its lifetime:
 *
 * <pre>{@code
 * CompletableFuture<TransportResponse> result = sends.start(request);
 * if (result.isDone()) {
 *   return result;                  // closed: already failed, nothing was sent
 * }
 * ... send, completing result; abort the exchange when result completes exceptionally ...
 *
 * public void close() {
 *   if (sends.close()) { ... release what the transport owns ... }
 * }
 * }</pre>
 *
 * Thread-safe; never blocks.
 */
public final class InFlightSends {

  private final AtomicBoolean closed = new AtomicBoolean();
  private final Map<CompletableFuture<TransportResponse>, TransportRequest> running = new ConcurrentHashMap<>();

  /**
   * The stage of a new send of {@code request}, held here until it completes. After {@link #close()}
   * the stage is already failed with {@link TransportRequest#notSent} ("the transport is closed"), so
   * the caller checks {@code isDone()} before sending anything.
   *
   * @throws NullPointerException if {@code request} is null
   */
  public CompletableFuture<TransportResponse> start(TransportRequest request) {
    Objects.requireNonNull(request, "request");
    CompletableFuture<TransportResponse> result = new CompletableFuture<>();
    running.put(result, request);
    // checked after registering: a close() running now either fails this send or is seen here
    if (closed.get()) {
      running.remove(result);
      result.completeExceptionally(request.notSent("the transport is closed"));
      return result;
    }
    result.whenComplete((response, failure) -> running.remove(result));
    return result;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed.get();
  }

  /**
   * From now on refuses new sends, and fails every send still running with
   * {@link TransportRequest#failure} ("aborted: the transport was closed", outcome unknown: the
   * request may have reached the endpoint). A transport aborts the exchange behind a stage that fails.
   *
   * @return true the first time, false when it was closed already (so that a transport's close()
   *     releases what it owns once)
   */
  public boolean close() {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    running.forEach((pending, request) ->
        pending.completeExceptionally(request.failure("aborted: the transport was closed", null)));
    return true;
  }

  /** The number of sends still running; for a transport's {@code toString()} and tests. */
  public int running() {
    return running.size();
  }
}
