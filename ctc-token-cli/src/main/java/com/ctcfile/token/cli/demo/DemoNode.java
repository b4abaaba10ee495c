package com.ctcfile.token.cli.demo;

import com.ctcfile.token.core.TokenStatus;

/**
 * One service of the demo fleet: its own token manager, store and bearer-authenticated client, on
 * one HTTP stack. Not thread-safe itself: the demo starts and closes it from one thread.
 */
interface DemoNode extends AutoCloseable {

  /** Its counts. */
  NodeStats stats();

  /** Its token manager's status, as {@code ctc-token status} words it. */
  TokenStatus status();

  /** Starts {@code count} callers on the protected API; each reports to {@code callers} when it stops. */
  void start(Callers callers, int count);

  /** Closes its client, token manager and store; never the shared database. */
  @Override
  void close();
}
