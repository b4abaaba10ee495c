package com.ctcfile.token.store.jdbc;

import com.ctcfile.token.TokenStoreException;
import java.util.concurrent.CompletableFuture;

/**
 * One call of the store, from its submission until its stage completes: what the store's threads and
 * its watchdog share about it. Thread-safe.
 *
 * <p>The call is over as soon as its stage is done, whoever completed it: the thread that ran it, the
 * caller who cancelled it, the watchdog after a statement overran, or {@link JdbcTokenStore#close()}.
 * A call that is over runs no further statement.
 */
final class OngoingCall {

  private final CompletableFuture<?> stage;
  private volatile StatementWatchdog.Watch statement;
  private volatile TokenStoreException abortedWith;

  OngoingCall(CompletableFuture<?> stage) {
    this.stage = stage;
  }

  boolean isOver() {
    return stage.isDone();
  }

  /** Fails the stage, unless it is already done. */
  void fail(TokenStoreException failure) {
    stage.completeExceptionally(failure);
  }

  /** Records why the watchdog aborted this call's connection; the thread that ran it fails the call with it. */
  void aborted(TokenStoreException failure) {
    abortedWith = failure;
  }

  /**
   * {@code failure}, or, if the watchdog aborted this call's connection (which is what made the
   * statement fail), the watchdog's reason.
   */
  TokenStoreException explain(TokenStoreException failure) {
    TokenStoreException reason = abortedWith;
    return reason == null ? failure : reason;
  }

  /** The statement running for this call now, or {@code null} between statements. */
  StatementWatchdog.Watch statement() {
    return statement;
  }

  void runs(StatementWatchdog.Watch watch) {
    this.statement = watch;
  }

  void ran(StatementWatchdog.Watch watch) {
    if (statement == watch) {
      statement = null;
    }
  }
}
