package com.ctcfile.token.store.jdbc;

import com.ctcfile.token.TokenStoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gives every statement of the store a deadline that holds even when the database cannot be reached:
 * a statement still running {@link #GRACE} after its query timeout gets its connection aborted
 * ({@link Connection#abort}), and its call fails as soon as the woken thread has given the connection
 * back, {@link #WAKE_WAIT} after the abort at the latest.
 *
 * <p>{@link java.sql.Statement#setQueryTimeout} alone does not bound a statement whose network path went
 * dark (a half-open socket, a firewall dropping packets): with the driver's {@code socketTimeout} at its
 * default of 0 the thread waits for a reply for ever, and PostgreSQL's driver sends its cancel request
 * over a new connection, which goes nowhere either. Aborting closes the socket under the waiting thread,
 * which then gets an {@link SQLException}; a pool learns from that (SQLState class 08) that the
 * connection is broken and drops it, so the store works again as soon as the database answers.
 *
 * <p>One daemon thread, started at the first statement and ended after 30 s without one; it also
 * aborts the statement of a call its caller cancelled. Aborts run on that thread: MariaDB's driver
 * opens a new connection to {@code KILL} the statement, bounded by its {@code connectTimeout}.
 * Thread-safe.
 */
final class StatementWatchdog {

  /** How long after its query timeout a statement is aborted: time for the driver's own cancel to work. */
  static final Duration GRACE = Duration.ofSeconds(2);

  /** How long after an abort the watchdog fails the call itself, if the thread running it did not wake. */
  static final Duration WAKE_WAIT = Duration.ofSeconds(1);

  private static final Executor ON_THE_ABORTING_THREAD = Runnable::run;
  private static final int ARMED = 0;
  private static final int DONE = 1;
  private static final int FIRED = 2;

  private final ScheduledThreadPoolExecutor timer;
  private final TableName table;
  private final int queryTimeoutSeconds;
  private final long deadlineMillis;
  private final Set<Watch> running = ConcurrentHashMap.newKeySet();

  StatementWatchdog(String threadName, TableName table, int queryTimeoutSeconds) {
    this.table = table;
    this.queryTimeoutSeconds = queryTimeoutSeconds;
    this.deadlineMillis = TimeUnit.SECONDS.toMillis(queryTimeoutSeconds) + GRACE.toMillis();
    ThreadFactory factory = runnable -> {
      Thread thread = new Thread(runnable, threadName);
      thread.setDaemon(true);
      return thread;
    };
    this.timer = new ScheduledThreadPoolExecutor(1, factory);
    this.timer.setRemoveOnCancelPolicy(true);
    this.timer.setKeepAliveTime(30, TimeUnit.SECONDS);
    this.timer.allowCoreThreadTimeOut(true);
  }

  /**
   * Runs {@code action}, one statement or commit of {@code call} on {@code connection}, under the
   * deadline.
   *
   * @throws TokenStoreException without running {@code action} if the call is already over
   */
  <T> T run(OngoingCall call, Connection connection, String operation, SqlAction<T> action) throws SQLException {
    return run(call, connection, operation, action, true);
  }

  /**
   * Runs {@code action} under the deadline even if the call is over: for the rollback that ends a
   * transaction whose call was cancelled between two statements.
   */
  <T> T runToTheEnd(OngoingCall call, Connection connection, String operation, SqlAction<T> action)
      throws SQLException {
    return run(call, connection, operation, action, false);
  }

  private <T> T run(OngoingCall call, Connection connection, String operation, SqlAction<T> action,
      boolean onlyIfGoingOn) throws SQLException {
    Watch watch = new Watch(call, connection, operation);
    running.add(watch);
    call.runs(watch);
    try {
      // checked after registering, so a cancel either sees this statement (and aborts it) or stops it here
      if (onlyIfGoingOn && call.isOver()) {
        throw new TokenStoreException("the call to " + operation + " is over (cancelled, timed out or the store"
            + " closed); its statement was not run");
      }
      try {
        watch.expiry = timer.schedule(watch::expire, deadlineMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closed) {
        throw new TokenStoreException("the JdbcTokenStore on table " + table + " is closed");
      }
      return action.run();
    } finally {
      watch.disarm();
      call.ran(watch);
      running.remove(watch);
    }
  }

  /** Aborts the statement {@code call} is running, if any, on the watchdog's thread: its caller gave up on it. */
  void abortCancelled(OngoingCall call) {
    try {
      timer.execute(() -> {
        Watch watch = call.statement();
        if (watch != null) {
          watch.abort(new TokenStoreException("the call to " + watch.operation + " was cancelled by its caller"));
        }
      });
    } catch (RejectedExecutionException closed) {
      // the store is closing, and aborts every statement itself
    }
  }

  /** Aborts every running statement, failing its call with {@code failure}; for {@link JdbcTokenStore#close()}. */
  void abortAll(TokenStoreException failure) {
    for (Watch watch : running) {
      watch.abort(failure);
    }
  }

  /** Stops the watchdog's thread. */
  void shutdown() {
    timer.shutdownNow();
  }

  @FunctionalInterface
  interface SqlAction<T> {
    T run() throws SQLException;
  }

  /** One statement under watch: armed until it returns, or fired once, by the deadline, a cancel or close. */
  final class Watch {
    private final OngoingCall call;
    private final Connection connection;
    private final String operation;
    private final AtomicInteger state = new AtomicInteger(ARMED);
    private volatile ScheduledFuture<?> expiry;

    private Watch(OngoingCall call, Connection connection, String operation) {
      this.call = call;
      this.connection = connection;
      this.operation = operation;
    }

    private void expire() {
      abort(new TokenStoreException("could not " + operation + " in table " + table + ": the database did not answer"
          + " within " + queryTimeoutSeconds + " s (the query timeout) plus " + GRACE.toSeconds() + " s, so the store"
          + " aborted the connection. Is the network path to the database down? Setting the driver's socketTimeout"
          + " bounds such statements in the driver too"));
    }

    /**
     * Aborts the connection and fails the call with {@code failure}, unless the statement already
     * returned. The thread that ran the statement, woken by the abort, fails the call once it has given
     * the connection back, so a pool has dropped it before the caller tries again; the watchdog fails
     * the call itself {@link #WAKE_WAIT} later, for a driver whose abort does not wake that thread.
     */
    void abort(TokenStoreException failure) {
      if (!state.compareAndSet(ARMED, FIRED)) {
        return;
      }
      call.aborted(failure);
      try {
        connection.abort(ON_THE_ABORTING_THREAD);
      } catch (SQLException | RuntimeException ignored) {
        // a connection that cannot be aborted is closed or broken already
      }
      try {
        timer.schedule(() -> call.fail(failure), WAKE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closed) {
        call.fail(failure);
      }
    }

    private void disarm() {
      if (state.compareAndSet(ARMED, DONE)) {
        ScheduledFuture<?> pending = expiry;
        if (pending != null) {
          pending.cancel(false);
        }
      }
    }
  }
}
