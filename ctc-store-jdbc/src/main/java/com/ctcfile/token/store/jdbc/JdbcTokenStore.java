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
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
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
 * {@code token_key} (primary key), {@code version} (grows by one with every published token, never
 * goes back), {@code token} ({@code VARCHAR(1024)}), {@code token_type}, {@code expires_at},
 * {@code lifetime_seconds}, {@code fetched_at}, {@code lease_owner}, {@code lease_until},
 * {@code last_error} (a short code such as {@code transport:503}, never a message or secret) and
 * {@code next_attempt_at}. The client secret is never stored. The {@code CREATE TABLE} for each
 * database ships in this jar as {@code com/ctcfile/token/store/jdbc/ddl/<db>.sql}, with {@code <db>}
 * one of {@code postgresql}, {@code mysql} (also MariaDB), {@code h2} (these three are tested),
 * {@code oracle} and {@code sqlserver} (written, not tested). The dialect is detected from the
 * connection's metadata.
 *
 * <h2>The protocol</h2>
 * Every statement is one short transaction; none is open while a token is fetched. A lease is a
 * conditional {@code UPDATE} that succeeds only if no live lease exists and the version is the one
 * the caller saw (the first lease of a key inserts the row; of concurrent inserts, the primary key
 * lets one win). Publishing is an {@code UPDATE ... WHERE version = :seen AND lease_owner = :me AND
 * lease_until > now}, so a node whose lease ran out can never overwrite a newer token. Every time is
 * the database's ({@code CURRENT_TIMESTAMP} or its dialect's equivalent, with interval arithmetic in
 * SQL): the store never reads the JVM clock, so nodes whose clocks disagree by minutes still agree on
 * leases and expiry. Works with any {@link DataSource}, pooled or not, auto-commit or not, at READ
 * COMMITTED or stricter; serialization failures and deadlocks are retried.
 *
 * <h2>Threads and failures</h2>
 * Thread-safe. The blocking JDBC work runs on two daemon threads of the store's own, so no method
 * blocks its caller; stages complete on those threads, so actions chained to them should not block.
 * Empty results mean what {@link TokenStore} says (no row, lease not granted, publish fenced). Every
 * failure is a {@link TokenStoreException} in the stage, naming the operation and the table but never
 * a token: drivers' messages are withheld for failed statements because databases quote row values in
 * them. A token longer than the {@code token} column fails before anything is written, and the row
 * keeps the token it had. {@link #toString()} shows the table, never a token or the data source.
 * {@link #close()} stops the threads; the {@link DataSource} stays open, it is the caller's.
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
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object setupLock = new Object();
  private volatile TokenTable tokenTable;

  private JdbcTokenStore(Builder builder) {
    this.dataSource = builder.dataSource;
    this.table = builder.table;
    this.createTableIfMissing = builder.createTableIfMissing;
    this.queryTimeoutSeconds = (int) Math.max(1, (builder.queryTimeout.toMillis() + 999) / 1000);
    this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        daemonThreads("ctc-token-jdbc-store-" + STORES.incrementAndGet() + "-"));
    this.executor.allowCoreThreadTimeOut(true);
  }

  /** A builder for a store on {@code dataSource}, which the store uses but never closes. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  @Override
  public CompletionStage<Optional<StoredToken>> read(TokenKey key) {
    Objects.requireNonNull(key, "key");
    return submit(() -> table().read(key));
  }

  @Override
  public CompletionStage<Optional<RenewalLease>> tryLease(LeaseRequest request) {
    Objects.requireNonNull(request, "request");
    return submit(() -> table().tryLease(request.key(), request.seenVersion(), request.owner(), request.duration())
        .map(granted -> RenewalLease.granted(request, "unversioned-lease")));
  }

  @Override
  public CompletionStage<Optional<StoredToken>> publish(RenewalLease lease, FreshToken token) {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(token, "token");
    return submit(() -> table().publish(lease, token));
  }

  @Override
  public CompletionStage<Void> releaseAfterFailure(RenewalLease lease, FetchFailure failure) {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(failure, "failure");
    return submit(() -> {
      table().releaseAfterFailure(lease, failure.code(), failure.retryAfter());
      return null;
    });
  }

  /**
   * Stops the store's threads, letting statements already queued finish for a moment; later calls
   * fail with {@link TokenStoreException}. Does not close the {@link DataSource}. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        abandon(executor.shutdownNow());
      }
    } catch (InterruptedException e) {
      abandon(executor.shutdownNow());
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    TokenTable ready = tokenTable;
    return "JdbcTokenStore{table=" + table + ", database=" + (ready == null ? "not yet connected" : ready.dialect())
        + ", createTableIfMissing=" + createTableIfMissing + (closed.get() ? ", closed" : "") + "}";
  }

  /** The prepared table; the first call (and every call after a failed one) connects and checks it. */
  private TokenTable table() {
    TokenTable ready = tokenTable;
    if (ready != null) {
      return ready;
    }
    synchronized (setupLock) {
      if (tokenTable == null) {
        tokenTable = TableSetup.prepare(dataSource, table, createTableIfMissing, queryTimeoutSeconds);
      }
      return tokenTable;
    }
  }

  private <T> CompletionStage<T> submit(Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (closed.get()) {
      result.completeExceptionally(closedFailure());
      return result;
    }
    try {
      executor.execute(new Task<>(result, work, table));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(closedFailure());
    }
    return result;
  }

  private TokenStoreException closedFailure() {
    return new TokenStoreException("the JdbcTokenStore on table " + table + " is closed");
  }

  private void abandon(List<Runnable> neverRun) {
    for (Runnable task : neverRun) {
      if (task instanceof Task) {
        ((Task<?>) task).fail(closedFailure());
      }
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** One store call on the store's threads; whatever it throws ends up in its stage as a {@link TokenStoreException}. */
  private static final class Task<T> implements Runnable {
    private final CompletableFuture<T> result;
    private final Supplier<T> work;
    private final TableName table;

    Task(CompletableFuture<T> result, Supplier<T> work, TableName table) {
      this.result = result;
      this.work = work;
      this.table = table;
    }

    @Override
    public void run() {
      T value;
      try {
        value = work.get();
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

    void fail(TokenStoreException failure) {
      result.completeExceptionally(failure);
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
     * first use. Default {@code false}: production schemas are usually owned by migrations (Flyway,
     * Liquibase) and applications often lack the right to create tables, so the store does not change
     * a schema unless told to; a missing table then fails every call with a {@link TokenStoreException}
     * that names the DDL resource to run. Creation is idempotent and safe when several nodes start at
     * once. It happens on the store's thread at the first call, never in {@link #build()}, so a store
     * can be built while the database is down.
     */
    public Builder createTableIfMissing(boolean createTableIfMissing) {
      this.createTableIfMissing = createTableIfMissing;
      return this;
    }

    /**
     * How long one statement may run before the driver cancels it and the call fails, so a hung
     * database cannot hold the store's threads for ever. Whole seconds (rounded up), 1 s to 1 h.
     * Default 10 s. Waiting for a connection from a pool is bounded by the pool's own timeout.
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
