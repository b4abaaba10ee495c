package com.ctcfile.token.testkit;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A {@link DataSource} in front of a real one that makes the failures a shared token store meets in
 * production happen on cue: a statement that fails before it reaches the database, one whose reply is
 * lost after the database committed it, one that hangs as on a dead socket, connections that break
 * all at once, a database that refuses connections.
 *
 * <pre>{@code
 * FaultInjectingDataSource faults = FaultInjectingDataSource.wrap(dataSource);
 * TokenStore store = JdbcTokenStore.builder(faults).createTableIfMissing(true).build();
 *
 * faults.failNextAfterExecuting(StoreStatement.PUBLISH, 1);   // published, but the node never hears it
 * FaultInjectingDataSource.Hang hang = faults.hangNext(StoreStatement.LEASE);
 * hang.awaitHanging(Duration.ofSeconds(10));                  // a lease statement is stuck now
 * hang.release();                                             // the network is back
 * faults.breakOpenConnections();                              // a failover: every open connection is dead
 * }</pre>
 *
 * <p>It recognises ctc-store-jdbc's statements by the comment each starts with
 * ({@code /* ctc-token-store:lease *}{@code /}, see {@link StoreStatement}); any other statement is
 * {@link StoreStatement#OTHER}. Faults are queued per kind and each is used once, first in, first out;
 * statements of other kinds pass untouched. It works under a pool too: give the pool this data source
 * (HikariCP's {@code setDataSource}) and the pool sees its connections break as it would see real ones
 * (SQLState class {@code 08}), and drops them.
 *
 * <p>Injected connection failures have SQLState {@code 08006} and leave their connection broken:
 * every later use of it fails the same way, {@link Connection#isValid} says {@code false}, and only
 * {@link Connection#close()} and {@link Connection#abort} still work (they close the real connection).
 * A hanging statement ignores {@link Statement#setQueryTimeout} and {@link Statement#cancel}, as a
 * statement on a dead socket does; only {@link Hang#release()}, {@link Connection#abort},
 * {@link Connection#close()}, {@link #breakOpenConnections()} or an interrupt end it.
 *
 * <p>Thread-safe. The counters count from the wrapping on; they are exact once the statements counted
 * have returned.
 */
public final class FaultInjectingDataSource implements DataSource {

  /**
   * The kinds of statement ctc-store-jdbc sends, told apart by the comment each starts with:
   * {@code /* ctc-token-store:<kind> *}{@code /}.
   */
  public enum StoreStatement {
    /** Reads a key's row. */
    READ,
    /** Grants a lease: the conditional UPDATE, and the INSERT of a key's first row. */
    LEASE,
    /** Publishes a token under a lease. */
    PUBLISH,
    /** Frees a lease after a failed fetch. */
    RELEASE,
    /** Checks, creates or upgrades the table at the store's first use. */
    SETUP,
    /** Any statement without such a comment. */
    OTHER
  }

  private static final Pattern TAG = Pattern.compile("/\\*\\s*ctc-token-store:([a-z]+)\\s*\\*/");
  private static final String RESET_STATE = "08006";
  private static final String REFUSED_STATE = "08001";

  private final DataSource target;
  private final Map<StoreStatement, Deque<Fault>> faults = new EnumMap<>(StoreStatement.class);
  private final Map<StoreStatement, AtomicInteger> seen = new EnumMap<>(StoreStatement.class);
  private final Map<StoreStatement, AtomicInteger> executed = new EnumMap<>(StoreStatement.class);
  private final Set<Link> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connectionsToRefuse = new AtomicInteger();
  private final AtomicInteger connectionsMade = new AtomicInteger();

  private FaultInjectingDataSource(DataSource target) {
    this.target = target;
    for (StoreStatement kind : StoreStatement.values()) {
      faults.put(kind, new ArrayDeque<>());
      seen.put(kind, new AtomicInteger());
      executed.put(kind, new AtomicInteger());
    }
  }

  /** {@code target} with no fault queued yet; {@code target} is used as is and never closed. */
  public static FaultInjectingDataSource wrap(DataSource target) {
    return new FaultInjectingDataSource(Objects.requireNonNull(target, "target"));
  }

  /**
   * The next {@code times} statements of {@code kind} fail before they reach the database, as if the
   * connection had been reset while sending (SQLState {@code 08006}); each leaves its connection broken.
   */
  public FaultInjectingDataSource failNext(StoreStatement kind, int times) {
    return enqueue(kind, times, new Fault(Fault.Timing.BEFORE, RESET_STATE, null));
  }

  /**
   * The next {@code times} statements of {@code kind} run on the database, are committed (also when
   * the connection does not auto-commit), and then fail as if the connection had been reset before the
   * reply arrived (SQLState {@code 08006}): the caller cannot tell whether they took effect. Each
   * leaves its connection broken.
   */
  public FaultInjectingDataSource failNextAfterExecuting(StoreStatement kind, int times) {
    return enqueue(kind, times, new Fault(Fault.Timing.AFTER, RESET_STATE, null));
  }

  /**
   * The next {@code times} statements of {@code kind} fail before they reach the database with
   * {@code sqlState}, their connection staying usable: {@code 40001} is a serialization failure, which
   * the JDBC store retries; a state of class {@code 08} breaks the connection as {@link #failNext} does.
   */
  public FaultInjectingDataSource failNextWith(StoreStatement kind, int times, String sqlState) {
    Objects.requireNonNull(sqlState, "sqlState");
    if (sqlState.length() != 5) {
      throw new IllegalArgumentException("an SQLState has five characters: " + sqlState);
    }
    return enqueue(kind, times, new Fault(Fault.Timing.BEFORE, sqlState, null));
  }

  /**
   * Makes the next statement of {@code kind} hang before it reaches the database, as on a connection
   * whose network path went dark, until the returned handle is {@linkplain Hang#release() released}
   * (the statement then goes on to the database) or its connection is aborted, closed or broken (it
   * then fails with SQLState {@code 08006}).
   */
  public Hang hangNext(StoreStatement kind) {
    Hang hang = new Hang(kind);
    enqueue(kind, 1, new Fault(Fault.Timing.BEFORE, RESET_STATE, hang));
    return hang;
  }

  /** The next {@code times} requests for a connection fail, as if the database refused them (SQLState {@code 08001}). */
  public FaultInjectingDataSource refuseNextConnections(int times) {
    requirePositive(times);
    connectionsToRefuse.addAndGet(times);
    return this;
  }

  /**
   * Breaks every connection open now, as a failover or a restarted database does: each later use of
   * them fails with SQLState {@code 08006}, and a statement hanging on one fails. Connections made
   * afterwards work.
   *
   * @return how many connections were broken
   */
  public int breakOpenConnections() {
    int broken = 0;
    for (Link link : open) {
      if (link.breakIt()) {
        broken++;
      }
    }
    return broken;
  }

  /** Drops every fault not yet used and releases every hang that has not ended. */
  public void clearFaults() {
    synchronized (faults) {
      for (Deque<Fault> queue : faults.values()) {
        for (Fault fault : queue) {
          if (fault.hang != null) {
            fault.hang.release();
          }
        }
        queue.clear();
      }
    }
    connectionsToRefuse.set(0);
  }

  /** How many statements of {@code kind} were sent through this data source, including those that failed or hang. */
  public int statements(StoreStatement kind) {
    return seen.get(Objects.requireNonNull(kind, "kind")).get();
  }

  /** How many statements of {@code kind} reached the database and returned from it. */
  public int executed(StoreStatement kind) {
    return executed.get(Objects.requireNonNull(kind, "kind")).get();
  }

  /** How many connections this data source handed out that are not closed yet (broken and aborted ones included). */
  public int openConnections() {
    return open.size();
  }

  /** How many connections this data source handed out in all. */
  public int connectionsMade() {
    return connectionsMade.get();
  }

  @Override
  public Connection getConnection() throws SQLException {
    refuseIfAsked();
    return link(target.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    refuseIfAsked();
    return link(target.getConnection(username, password));
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return target.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    target.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    target.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return target.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return target.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    return type.isInstance(target) ? type.cast(target) : target.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(this) || type.isInstance(target) || target.isWrapperFor(type);
  }

  @Override
  public String toString() {
    return "FaultInjectingDataSource{" + openConnections() + " open connections}";
  }

  /** The kind of store statement {@code sql} is, by its leading comment. */
  static StoreStatement kindOf(String sql) {
    if (sql == null) {
      return StoreStatement.OTHER;
    }
    Matcher tag = TAG.matcher(sql);
    if (!tag.find()) {
      return StoreStatement.OTHER;
    }
    try {
      return StoreStatement.valueOf(tag.group(1).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException unknown) {
      return StoreStatement.OTHER;
    }
  }

  private FaultInjectingDataSource enqueue(StoreStatement kind, int times, Fault fault) {
    Objects.requireNonNull(kind, "kind");
    requirePositive(times);
    synchronized (faults) {
      for (int i = 0; i < times; i++) {
        faults.get(kind).addLast(fault);
      }
    }
    return this;
  }

  private Fault nextFault(StoreStatement kind) {
    synchronized (faults) {
      return faults.get(kind).pollFirst();
    }
  }

  private static void requirePositive(int times) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1: " + times);
    }
  }

  private void refuseIfAsked() throws SQLException {
    if (connectionsToRefuse.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
      throw new SQLNonTransientConnectionException("connection refused (injected by FaultInjectingDataSource)",
          REFUSED_STATE);
    }
  }

  private Connection link(Connection real) {
    Link link = new Link(real);
    open.add(link);
    connectionsMade.incrementAndGet();
    link.proxy = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        link);
    return link.proxy;
  }

  private static SQLException reset(String what) {
    return new SQLNonTransientConnectionException(what + " (injected by FaultInjectingDataSource)", RESET_STATE);
  }

  private static Object call(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** One queued fault. */
  private static final class Fault {
    enum Timing {
      BEFORE,
      AFTER
    }

    final Timing timing;
    final String sqlState;
    final Hang hang;

    Fault(Timing timing, String sqlState, Hang hang) {
      this.timing = timing;
      this.sqlState = sqlState;
      this.hang = hang;
    }
  }

  /**
   * A statement made to hang by {@link #hangNext}. Thread-safe.
   */
  public static final class Hang {
    private final StoreStatement kind;
    private boolean released;
    private boolean hung;
    private Link hungOn;

    private Hang(StoreStatement kind) {
      this.kind = kind;
    }

    /**
     * Waits until a statement hangs on this handle, at most {@code timeout}.
     *
     * @return whether one does (or did)
     */
    public synchronized boolean awaitHanging(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!hung) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }

    /** Whether a statement hangs on this handle right now. */
    public synchronized boolean isHanging() {
      return hungOn != null;
    }

    /**
     * Lets the hanging statement go on to the database, as when the network comes back; a handle whose
     * statement has not come yet lets it pass without hanging.
     */
    public synchronized void release() {
      released = true;
      notifyAll();
    }

    private synchronized void block(Link link) throws SQLException {
      hung = true;
      hungOn = link;
      link.hanging = this;
      notifyAll();
      try {
        while (!released && !link.isDead()) {
          wait();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw reset("interrupted while the " + kind + " statement hung");
      } finally {
        hungOn = null;
        link.hanging = null;
      }
      if (!released) {
        throw reset("the connection was " + link.deathCause() + " while the " + kind + " statement hung");
      }
    }

    private synchronized void wake() {
      notifyAll();
    }

    @Override
    public synchronized String toString() {
      return "Hang{" + kind + (hungOn != null ? ", hanging" : hung ? ", ended" : ", armed") + (released ? ", released" : "")
          + "}";
    }
  }

  /** One connection handed out: the real one, and whether it was broken, aborted or closed. */
  private final class Link implements InvocationHandler {
    private final Connection real;
    volatile Connection proxy;
    volatile boolean broken;
    volatile boolean aborted;
    volatile boolean closed;
    volatile Hang hanging;

    Link(Connection real) {
      this.real = real;
    }

    boolean isDead() {
      return broken || aborted || closed;
    }

    String deathCause() {
      return aborted ? "aborted" : closed ? "closed" : "broken";
    }

    boolean breakIt() {
      if (isDead()) {
        return false;
      }
      broken = true;
      wakeHang();
      return true;
    }

    private void wakeHang() {
      Hang hang = hanging;
      if (hang != null) {
        hang.wake();
      }
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "close":
          closed = true;
          open.remove(this);
          wakeHang();
          return call(real, method, args);
        case "abort":
          // stays open until closed: a pool that drops an aborted connection closes it
          aborted = true;
          wakeHang();
          return call(real, method, args);
        case "isClosed":
          return closed || aborted || real.isClosed();
        case "isValid":
          return !isDead() && (Boolean) call(real, method, args);
        case "unwrap":
        case "isWrapperFor":
          return call(real, method, args);
        case "toString":
          return "FaultInjectingDataSource connection" + (isDead() ? " (" + deathCause() + ")" : "");
        case "hashCode":
          return System.identityHashCode(self);
        case "equals":
          return self == args[0];
        default:
          break;
      }
      failIfDead();
      Object result = call(real, method, args);
      if (result instanceof Statement) {
        String sql = method.getName().startsWith("prepare") && args != null && args.length > 0 && args[0] instanceof String
            ? (String) args[0] : null;
        return watch((Statement) result, sql);
      }
      return result;
    }

    void failIfDead() throws SQLException {
      if (isDead()) {
        throw reset("the connection is " + deathCause());
      }
    }

    private Statement watch(Statement statement, String preparedSql) {
      Class<?> type = statement instanceof CallableStatement ? CallableStatement.class
          : statement instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
      return (Statement) Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {type},
          new Watched(this, statement, preparedSql));
    }

    /** Runs one statement through the faults queued for its kind. */
    Object execute(Statement statement, Method method, Object[] args, String sql) throws Throwable {
      StoreStatement kind = kindOf(sql);
      seen.get(kind).incrementAndGet();
      Fault fault = nextFault(kind);
      if (fault != null && fault.hang != null) {
        fault.hang.block(this);
        fault = null;
      }
      if (fault != null && fault.timing == Fault.Timing.BEFORE) {
        if (fault.sqlState.startsWith("08")) {
          breakIt();
          throw reset("connection reset before the " + kind + " statement reached the database");
        }
        throw new SQLException("injected failure of the " + kind + " statement (FaultInjectingDataSource)",
            fault.sqlState);
      }
      Object result = call(statement, method, args);
      executed.get(kind).incrementAndGet();
      if (fault != null) {
        if (!real.getAutoCommit()) {
          real.commit();
        }
        breakIt();
        throw reset("connection reset after the " + kind + " statement was committed, before its reply arrived");
      }
      return result;
    }
  }

  /** A statement of a {@link Link}: its executions go through the faults, everything else to the real one. */
  private static final class Watched implements InvocationHandler {
    private final Link link;
    private final Statement real;
    private final String preparedSql;

    Watched(Link link, Statement real, String preparedSql) {
      this.link = link;
      this.real = real;
      this.preparedSql = preparedSql;
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      switch (name) {
        case "getConnection":
          return link.proxy;
        case "close":
        case "isClosed":
        case "cancel":
          return call(real, method, args);
        case "unwrap":
        case "isWrapperFor":
          return call(real, method, args);
        case "toString":
          return "FaultInjectingDataSource statement";
        case "hashCode":
          return System.identityHashCode(self);
        case "equals":
          return self == args[0];
        default:
          break;
      }
      link.failIfDead();
      if (name.startsWith("execute")) {
        String sql = args != null && args.length > 0 && args[0] instanceof String ? (String) args[0] : preparedSql;
        return link.execute(real, method, args, sql);
      }
      return call(real, method, args);
    }
  }
}
