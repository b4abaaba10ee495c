package com.ctcfile.token.cli.demo;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The demo's callers, across all nodes: each one calls, pauses for a moment, and calls again while
 * {@link #running()}, then reports {@link #finished()}. Thread-safe.
 */
final class Callers {

  private final CountDownLatch finished;
  private final Duration pause;
  private volatile boolean running = true;

  Callers(int total, Duration pause) {
    this.finished = new CountDownLatch(total);
    this.pause = pause;
  }

  boolean running() {
    return running;
  }

  /** The pause between two calls of one caller. */
  Duration pause() {
    return pause;
  }

  /** Sleeps for the pause; false if interrupted, which stops the caller. */
  boolean pauseHere() {
    try {
      Thread.sleep(pause.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A caller has stopped. */
  void finished() {
    finished.countDown();
  }

  /** Asks every caller to stop after its current call. */
  void stop() {
    running = false;
  }

  /** Waits until every caller has stopped; false if some have not within {@code timeout}. */
  boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
