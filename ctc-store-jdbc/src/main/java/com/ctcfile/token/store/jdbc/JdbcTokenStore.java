package com.ctcfile.token.store.jdbc;

import com.ctcfile.token.TokenStoreException;
import com.ctcfile.token.core.port.FetchFailure;
import com.ctcfile.token.core.port.FreshToken;
import com.ctcfile.token.core.port.LeaseRequest;
import com.ctcfile.token.core.port.RenewalLease;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.core.port.TokenStore;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * A {@link TokenStore} in a table of any JDBC database the fleet's nodes share, so that the whole
 * fleet fetches one token per lifetime and every node uses it.
 *
 * <pre>{@code
 * TokenStore store = JdbcTokenStore.builder(dataSource)   // your pool; never closed by the store
 *     .tableName("ctc_access_token")                      // the default
 *     .createTableIfMissing(true)                         // default false
 *     .build();
 * }</pre>
 *
 * <h2>The table</h2>
 * One row per token key, {@code clientId@host[:port]} of the token endpoint ({@link TokenKey#id()}):
 * {@code token_key} (primary key), {@code version} (the version of the stored token, which only grows),
 * {@code token} ({@code VARCHAR(1024)}), {@code token_type}, {@code expires_at},
 * {@code lifetime_seconds}, {@code fetched_at} (when the token was published), {@code lease_owner},
 * {@code lease_id} (the random id of the live lease), {@code lease_until}, {@code last_error} (a short
 * code such as {@code transport:503}, never a message or secret), {@code next_attempt_at} (the fleet's
 * backoff), {@code settle_until} (no lease before it, after a fetch of unknown outcome) and
 * {@code rejection_fetch_at} (the latest lease granted after a rejection, for the fleet's rejection
 * limit). The client secret is never stored. The {@code CREATE TABLE} for each database ships in this
 * jar as {@code com/ctcfile/token/store/jdbc/ddl/<db>.sql}, with {@code <db>} one of
 * {@code postgresql}, {@code mysql} (also MariaDB), {@code h2} (these three are tested),
 * {@code oracle} and {@code sqlserver} (written, not tested). The dialect is detected from the
 * connection's metadata.
 *
 * <p>At its first use the store checks the table: every column must be there, each with a type that
 * holds what the store writes. Time columns must hold instants ({@code TIMESTAMP WITH TIME ZONE};
 * UTC {@code DATETIME(3)} on MySQL/MariaDB, never {@code TIMESTAMP}, which converts with each session's
 * time zone): with a type that depends on the session's zone, nodes in different zones would disagree
 * on leases. A table created by an earlier version of the DDL lacks {@code lease_id},
 * {@code settle_until} and {@code rejection_fetch_at}: with {@link Builder#createTableIfMissing
 * createTableIfMissing(true)} the store adds them itself ({@code ALTER TABLE ... ADD}), otherwise every
 * call fails with a {@link TokenStoreException} that names them and the statements to run, which also
 * ship as {@code com/ctcfile/token/store/jdbc/ddl/upgrade/<db>.sql}.
 *
 * <h2>The protocol</h2>
 * Every statement is one short transaction; none is open while a token is fetched. A lease is a
 * conditional {@code UPDATE} that succeeds only if no live lease exists, the version is the one the
 * caller saw, the fleet is not settling and, for a lease after a rejection, no other such lease was
 * granted within the request's interval (the first lease of a key inserts the row; of concurrent
 * inserts, the primary key lets one win). Each grant writes a fresh random lease id (128 bits, 32 hex
 * digits). Publishing is an {@code UPDATE ... WHERE version = :seen AND lease_id = :id AND lease_until >
 * now}, so a node whose lease ran out can never overwrite a newer token, not even a node that shares
 * its {@code nodeId} with the one now holding the lease; it writes the lease's next version. Every time
 * is the database's ({@code CURRENT_TIMESTAMP} or its dialect's equivalent, with interval arithmetic in
 * SQL): the store never reads the JVM clock, so nodes whose clocks disagree by minutes still agree on
 * leases and expiry. Works with any {@link DataSource}, pooled or not, auto-commit or not, at READ
 * COMMITTED or stricter; serialization failures and deadlocks are retried. Each statement starts with a
 * comment naming it ({@code /* ctc-token-store:lease *}{@code /}, ...), for the database's statement
 * statistics.
 *
 * <h2>Threads, deadlines and failures</h2>
 * Thread-safe, and meant to be shared: one store serves any number of keys. The blocking JDBC work runs
 * on at most two daemon threads of the store's own ({@code ctc-token-jdbc-store-<n>-sql-<i>}), shared
 * by every key, plus one watchdog thread ({@code ctc-token-jdbc-store-<n>-watchdog}); each ends after
 * 30 s without work. No method blocks its caller; stages complete on those threads, so actions chained
 * to them should not block. A stage cancelled before its statement started runs nothing; a cancelled
 * call whose statement is running gets its connection aborted.
 *
 * <p>Every statement has a deadline: the query timeout, then 2 s of
 * grace for the driver's own cancel, after which the watchdog aborts the connection
 * ({@link java.sql.Connection#abort}) and the call fails with a {@link TokenStoreException} naming the
 * operation and the timeout. That bounds a statement even on a connection whose network path went dark,
 * where the driver's query timeout does not help (set the driver's {@code socketTimeout} as well); a
 * pool such as HikariCP then drops the aborted connection, and the store goes on working once the
 * database answers. Getting a connection is bounded by the pool's or driver's own connect timeout.
 *
 * <p>Empty results mean what {@link TokenStore} says (no row, lease not granted, publish fenced). Every
 * failure is a {@link TokenStoreException} in the stage, naming the operation and the table but never a
 * token: drivers' messages are withheld for failed statements because databases quote row values in
 * them. A token longer than the {@code token} column fails before anything is written, and the row
 * keeps the token it had. The row a publish returns is the one it wrote; it does not tell
 * {@link StoredToken#rejectionFetchAgo()} (a read does). {@link #toString()} shows the table, never a
 * token or the data source. {@link #close()} ends the threads, aborting a statement that is stuck; the
 * {@link DataSource} stays open, it is the caller's.
 */
public final class JdbcTokenStore implements TokenStore {

  private static final int THREADS = 2;
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
  private static final AtomicInteger STORES = new AtomicInteger();

  private final DataSource dataSource;
  private final TableName table;
  private final boolean createTableIfMissing;
  private final int queryTimeoutSeconds;
  private final ThreadPoolExecutor executor;
  private final StatementWatchdog watchdog;
  private final Set<OngoingCall> inFlight = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object setupLock = new Object();
  private volatile TokenTable tokenTable;

  private JdbcTokenStore(Builder builder) {
    this.dataSource = builder.dataSource;
    this.table = builder.table;
    this.createTableIfMissing = builder.createTableIfMissing;
    this.queryTimeoutSeconds = (int) Math.max(1, (builder.queryTimeout.toMillis() + 999) / 1000);
    String threadNames = "ctc-token-jdbc-store-" + STORES.incrementAndGet() + "-";
    this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        daemonThreads(threadNames + "sql-"));
    this.executor.allowCoreThreadTimeOut(true);
    this.watchdog = new StatementWatchdog(threadNames + "watchdog", table, queryTimeoutSeconds);
  }

  /** A builder for a store on {@code dataSource}, which the store uses but never closes. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  @Override
  public CompletionStage<Optional<StoredToken>> read(TokenKey key) {
    Objects.requireNonNull(key, "key");
    return submit(call -> table(call).read(call, key));
  }

  @Override
  public CompletionStage<Optional<RenewalLease>> tryLease(LeaseRequest request) {
    Objects.requireNonNull(request, "request");
    return submit(call -> table(call).tryLease(call, request));
  }

  @Override
  public CompletionStage<Optional<StoredToken>> publish(RenewalLease lease, FreshToken token) {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(token, "token");
    return submit(call -> table(call).publish(call, lease, token));
  }

  @Override
  public CompletionStage<Void> releaseAfterFailure(RenewalLease lease, FetchFailure failure) {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(failure, "failure");
    return submit(call -> {
      table(call).releaseAfterFailure(call, lease, failure);
      return null;
    });
  }

  /**
   * Ends the store's threads: calls already queued get a moment (2 s) to
   * finish; then running statements have their connections aborted and every call not yet done fails
   * with {@link TokenStoreException}, as do later calls. Does not close the {@link DataSource}.
   * Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        stopNow();
      }
    } catch (InterruptedException e) {
      stopNow();
      Thread.currentThread().interrupt();
    } finally {
      watchdog.shutdown();
    }
  }

  @Override
  public String toString() {
    TokenTable ready = tokenTable;
    return "JdbcTokenStore{table=" + table + ", database=" + (ready == null ? "not yet connected" : ready.dialect())
        + ", createTableIfMissing=" + createTableIfMissing + (closed.get() ? ", closed" : "") + "}";
  }

  /** The prepared table; the first call (and every call after a failed one) connects and checks it. */
  private TokenTable table(OngoingCall call) {
    TokenTable ready = tokenTable;
    if (ready != null) {
      return ready;
    }
    synchronized (setupLock) {
      if (tokenTable == null) {
        tokenTable = TableSetup.prepare(dataSource, table, createTableIfMissing, queryTimeoutSeconds, watchdog, call);
      }
      return tokenTable;
    }
  }

  private <T> CompletionStage<T> submit(Function<OngoingCall, T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (closed.get()) {
      result.completeExceptionally(closedFailure());
      return result;
    }
    OngoingCall call = new OngoingCall(result);
    inFlight.add(call);
    result.whenComplete((value, failure) -> {
      inFlight.remove(call);
      if (result.isCancelled()) {
        watchdog.abortCancelled(call);
      }
    });
    try {
      executor.execute(new Task<>(result, call, work, table));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(closedFailure());
    }
    return result;
  }

  /**
   * After the grace: fails every call not yet done (so a thread that frees up runs none of them), drops
   * the queue, aborts the running statements, and waits a moment for the threads to end.
   */
  private void stopNow() {
    TokenStoreException failure = closedFailure();
    for (OngoingCall call : inFlight) {
      call.fail(failure);
    }
    executor.shutdownNow();
    watchdog.abortAll(failure);
    try {
      executor.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private TokenStoreException closedFailure() {
    return new TokenStoreException("the JdbcTokenStore on table " + table + " is closed");
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * One store call on the store's threads; whatever it throws ends up in its stage as a
   * {@link TokenStoreException}. A call that is over before it starts (cancelled, say) runs nothing.
   */
  private static final class Task<T> implements Runnable {
    private final CompletableFuture<T> result;
    private final OngoingCall call;
    private final Function<OngoingCall, T> work;
    private final TableName table;

    Task(CompletableFuture<T> result, OngoingCall call, Function<OngoingCall, T> work, TableName table) {
      this.result = result;
      this.call = call;
      this.work = work;
      this.table = table;
    }

    @Override
    public void run() {
      if (call.isOver()) {
        return;
      }
      T value;
      try {
        value = work.apply(call);
      } catch (TokenStoreException e) {
        result.completeExceptionally(e);
        return;
      } catch (RuntimeException e) {
        result.completeExceptionally(SqlFailures.unexpected("complete a store call", table, e));
        return;
      } catch (Error e) {
        result.completeExceptionally(e);
        throw e;
      }
      result.complete(value);
    }
  }

  /**
   * Configures a {@link JdbcTokenStore}. Not thread-safe; each setter validates its value at once and
   * throws {@link IllegalArgumentException} for a bad one.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private TableName table = TableName.of(TableName.DEFAULT);
    private boolean createTableIfMissing;
    private Duration queryTimeout = Duration.ofSeconds(10);

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The table, an unquoted SQL identifier optionally qualified by its schema ({@code schema.table});
     * letters, digits and {@code _}, at most 63 characters each, not starting with a digit. The name
     * is written into the statements as given, so the database folds its case as it does for any
     * unquoted name, and a reserved word fails at the first statement. Default
     * {@code ctc_access_token}.
     */
    public Builder tableName(String tableName) {
      this.table = TableName.of(tableName);
      return this;
    }

    /**
     * Whether the store creates its table, from the DDL shipped in this jar, when it is missing at the
     * first use, and adds the columns this version needs ({@code lease_id}, {@code settle_until},
     * {@code rejection_fetch_at}) to a table created by an earlier version, with the shipped
     * {@code ALTER TABLE ... ADD} statements. Default {@code false}: production schemas are usually
     * owned by migrations (Flyway, Liquibase) and applications often lack the right to create or alter
     * tables, so the store does not change a schema unless told to; a missing table then fails every
     * call with a {@link TokenStoreException} that names the DDL resource to run, and a table that lacks
     * columns one that names them and the {@code ALTER} statements to run. Creating and adding are
     * idempotent and safe when several nodes start at once. They happen on the store's thread at the
     * first call, never in {@link #build()}, so a store can be built while the database is down.
     */
    public Builder createTableIfMissing(boolean createTableIfMissing) {
      this.createTableIfMissing = createTableIfMissing;
      return this;
    }

    /**
     * How long one statement may run before the driver cancels it and the call fails, so a hung
     * database cannot hold the store's threads for ever. Whole seconds (rounded up), 1 s to 1 h.
     * Default 10 s. A statement still running 2 s later (its network path went dark, say, where the
     * driver's cancel cannot reach the database) has its connection aborted by the store's watchdog.
     * Waiting for a connection from a pool is bounded by the pool's own timeout.
     */
    public Builder queryTimeout(Duration queryTimeout) {
      Objects.requireNonNull(queryTimeout, "queryTimeout");
      if (queryTimeout.compareTo(Duration.ofSeconds(1)) < 0 || queryTimeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("queryTimeout must be between 1 s and 1 h: " + queryTimeout);
      }
      this.queryTimeout = queryTimeout;
      return this;
    }

    /** A new store; does no I/O (the table is checked, or created, at the first call). */
    public JdbcTokenStore build() {
      return new JdbcTokenStore(this);
    }

    @Override
    public String toString() {
      return "JdbcTokenStore.Builder{table=" + table + ", createTableIfMissing=" + createTableIfMissing
          + ", queryTimeout=" + queryTimeout + "}";
    }
  }
}
