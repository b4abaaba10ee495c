package com.ctcfile.token.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Bounds and delays stages on the manager's own scheduler, so no JDK-wide timer thread is involved
 * and a test scheduler controls them too.
 */
final class Timeouts {

  private final ScheduledExecutorService scheduler;

  Timeouts(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * A stage that completes as {@code stage} does, or fails with {@code onTimeout} after
   * {@code timeout}; then {@code stage} is cancelled, which tells the transport or store that owns it
   * to abort its work. Only for stages this manager owns: a shared one must be bounded with
   * {@link #waitAtMost} instead.
   */
  <T> CompletableFuture<T> abortAfter(CompletionStage<T> stage, Duration timeout, Supplier<? extends Throwable> onTimeout) {
    return bound(stage, timeout, onTimeout, true);
  }

  /**
   * A stage that completes as {@code stage} does, or fails with {@code onTimeout} after
   * {@code timeout}, leaving {@code stage} itself running: one caller giving up must never cancel
   * what other callers wait for.
   */
  <T> CompletableFuture<T> waitAtMost(CompletionStage<T> stage, Duration timeout, Supplier<? extends Throwable> onTimeout) {
    return bound(stage, timeout, onTimeout, false);
  }

  private <T> CompletableFuture<T> bound(CompletionStage<T> stage, Duration timeout,
      Supplier<? extends Throwable> onTimeout, boolean cancelSource) {
    CompletableFuture<T> source = stage.toCompletableFuture();
    CompletableFuture<T> bounded = new CompletableFuture<>();
    ScheduledFuture<?> timer;
    try {
      timer = scheduler.schedule(() -> {
        if (bounded.completeExceptionally(onTimeout.get()) && cancelSource) {
          source.cancel(true);
        }
      }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException shutDown) {
      timer = null;
    }
    ScheduledFuture<?> armed = timer;
    source.whenComplete((value, error) -> {
      if (armed != null) {
        armed.cancel(false);
      }
      if (error == null) {
        bounded.complete(value);
      } else {
        bounded.completeExceptionally(error);
      }
    });
    return bounded;
  }

  /** A stage completing after {@code delay}, or failing if the scheduler is shut down. */
  CompletableFuture<Void> after(Duration delay) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      Runnable elapse = () -> done.complete(null); // a Runnable: as a lambda it would pick schedule(Callable)
      scheduler.schedule(elapse, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException shutDown) {
      done.completeExceptionally(shutDown);
    }
    return done;
  }
}
