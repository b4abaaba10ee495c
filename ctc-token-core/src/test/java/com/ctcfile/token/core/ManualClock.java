package com.ctcfile.token.core;

import com.ctcfile.token.core.port.TokenClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A clock moved by hand together with a scheduler that follows it: timers fire when the clock is
 * advanced past their deadline, on the advancing thread. {@link #holdTimers()} makes the scheduler
 * fire late, as a loaded or suspended JVM would.
 */
final class ManualClock implements TokenClock {

  private final Instant epoch = Instant.parse("2026-11-25T08:00:00Z");
  private long nanos;
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private boolean held;
  private long sequence;
  private final Scheduler scheduler = new Scheduler();

  ManualClock() {
    this(Duration.ZERO);
  }

  /** A clock {@code offset} ahead of (or behind) the default one: a node whose clock is skewed. */
  ManualClock(Duration offset) {
    this.nanos = 1_000_000_000_000L + offset.toNanos();
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public synchronized Instant instant() {
    return epoch.plusNanos(nanos - 1_000_000_000_000L);
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** Moves time forward and runs the timers that came due, unless timers are held. */
  void advance(Duration by) {
    synchronized (this) {
      nanos += by.toNanos();
    }
    if (!isHeld()) {
      runDueTimers();
    }
  }

  /** Timers stop firing until {@link #releaseTimers()}: a scheduler that is late. */
  synchronized void holdTimers() {
    held = true;
  }

  /** Fires every timer that came due meanwhile, late, and lets later ones fire on time again. */
  void releaseTimers() {
    synchronized (this) {
      held = false;
    }
    runDueTimers();
  }

  synchronized int pendingTimers() {
    return (int) tasks.stream().filter(t -> !t.cancelled).count();
  }

  /** Deadline of the earliest live timer, relative to now. */
  synchronized Duration nextTimerIn() {
    return tasks.stream().filter(t -> !t.cancelled).map(t -> Duration.ofNanos(t.at - nanos)).min(Duration::compareTo)
        .orElseThrow();
  }

  private synchronized boolean isHeld() {
    return held;
  }

  private void runDueTimers() {
    while (true) {
      Task due;
      synchronized (this) {
        due = tasks.peek();
        if (due == null || due.at > nanos) {
          return;
        }
        tasks.poll();
      }
      if (!due.cancelled) {
        due.done = true;
        due.command.run();
      }
    }
  }

  private final class Task implements ScheduledFuture<Object> {
    final long at;
    final long order;
    final Runnable command;
    volatile boolean cancelled;
    volatile boolean done;

    Task(long at, long order, Runnable command) {
      this.at = at;
      this.order = order;
      this.command = command;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(at - nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      Task other = (Task) o;
      return at != other.at ? Long.compare(at, other.at) : Long.compare(order, other.order);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean wasLive = !cancelled && !done;
      cancelled = true;
      return wasLive;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return cancelled || done;
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException();
    }
  }

  private final class Scheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private volatile boolean shutdown;

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      Task task;
      synchronized (ManualClock.this) {
        task = new Task(nanos + unit.toNanos(Math.max(0, delay)), sequence++, command);
        tasks.add(task);
      }
      if (delay <= 0 && !isHeld()) {
        runDueTimers();
      }
      return task;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shutdown = true;
      return new ArrayList<>();
    }

    @Override
    public boolean isShutdown() {
      return shutdown;
    }

    @Override
    public boolean isTerminated() {
      return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }
}
