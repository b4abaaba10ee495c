package com.ctcfile.token.core.internal;

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
public final class Timeouts {

  private final ScheduledExecutorService scheduler;

  public Timeouts(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * A stage that completes as {@code stage} does, or fails with {@code onTimeout} after
   * {@code timeout}, whichever comes first. On timeout the original stage is cancelled.
   */
  public <T> CompletableFuture<T> within(CompletionStage<T> stage, Duration timeout, Supplier<? extends Throwable> onTimeout) {
    CompletableFuture<T> source = stage.toCompletableFuture();
    CompletableFuture<T> bounded = new CompletableFuture<>();
    ScheduledFuture<?> timer;
    try {
      timer = scheduler.schedule(() -> {
        if (bounded.completeExceptionally(onTimeout.get())) {
          source.cancel(true);
        }
      }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException shutDown) {
      return source;
    }
    source.whenComplete((value, error) -> {
      timer.cancel(false);
      if (error == null) {
        bounded.complete(value);
      } else {
        bounded.completeExceptionally(error);
      }
    });
    return bounded;
  }

  /** A stage completing after {@code delay}, or failing if the scheduler is shut down. */
  public CompletableFuture<Void> after(Duration delay) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      Runnable elapse = () -> done.complete(null);
      scheduler.schedule(elapse, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException shutDown) {
      done.completeExceptionally(shutDown);
    }
    return done;
  }
}
