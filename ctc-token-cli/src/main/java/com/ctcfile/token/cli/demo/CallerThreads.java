package com.ctcfile.token.cli.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * The callers of a node whose client blocks: threads that make one call after another until the
 * demo stops them, as the request threads of a servlet or Micronaut application would.
 */
final class CallerThreads {

  private final String name;
  private final Runnable call;
  private final List<Thread> threads = new ArrayList<>();

  /** @param call one call, which records its own outcome and never throws */
  CallerThreads(String name, Runnable call) {
    this.name = name;
    this.call = call;
  }

  /** Starts {@code count} daemon threads; each reports to {@code callers} when it stops. */
  void start(Callers callers, int count) {
    for (int i = 1; i <= count; i++) {
      Thread thread = new Thread(() -> callUntilStopped(callers), "demo-" + name + "-caller-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  void interrupt() {
    for (Thread thread : threads) {
      thread.interrupt();
    }
  }

  private void callUntilStopped(Callers callers) {
    try {
      while (callers.running()) {
        call.run();
        if (!callers.pauseHere()) {
          return;
        }
      }
    } finally {
      callers.finished();
    }
  }
}
