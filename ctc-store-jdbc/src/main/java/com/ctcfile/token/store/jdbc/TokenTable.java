package com.ctcfile.token.store.jdbc;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenStoreException;
import com.ctcfile.token.core.port.FetchFailure;
import com.ctcfile.token.core.port.FreshToken;
import com.ctcfile.token.core.port.LeaseRequest;
import com.ctcfile.token.core.port.RenewalLease;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenKey;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * The token table of one database: the statements of the store protocol, each operation a short
 * transaction of its own. Blocking; {@link JdbcTokenStore} calls it on its own threads, and every
 * statement runs under the {@link StatementWatchdog}.
 *
 * <p>Every time is computed by the database ({@link Dialect}); this class never reads the JVM clock.
 * Durations are bound as milliseconds, saturated at about 24 days (the range every dialect's date
 * arithmetic accepts; a CTC token lives at most 7 days).
 *
 * <p>Works at READ COMMITTED or stricter, with or without auto-commit: every statement is atomic on
 * its own (a conditional UPDATE, or an INSERT the primary key guards), and a connection that does not
 * auto-commit is committed after each operation. A serialization failure or deadlock rolls the
 * statement back entirely, so it is retried, up to 8 times with a short random pause in between.
 *
 * <p>Each statement starts with a comment naming it, {@code /* ctc-token-store:lease *}{@code /}
 * ({@code read}, {@code lease}, {@code publish}, {@code release}, {@code setup}), so a database's
 * statement statistics tell the store's statements apart, and so does the testkit's
 * {@code FaultInjectingDataSource}.
 */
final class TokenTable {

  /** The prefix of the comment each statement starts with. */
  static final String TAG = "ctc-token-store:";

  private static final int MAX_ATTEMPTS = 8;
  private static final int MISSING_COLUMN_ATTEMPTS = 4;
  private static final long MISSING_COLUMN_PAUSE_MILLIS = 100;
  private static final long MAX_MILLIS = Integer.MAX_VALUE;
  private static final int LEASE_ID_BYTES = 16;
  private static final SecureRandom LEASE_IDS = new SecureRandom();

  private final DataSource dataSource;
  private final TableName table;
  private final Dialect dialect;
  private final Limits limits;
  private final int queryTimeoutSeconds;
  private final StatementWatchdog watchdog;

  private final String readSql;
  private final String leaseSql;
  private final String leaseAfterRejectionSql;
  private final String leaseAfterRejectionLimitedSql;
  private final String createSql;
  private final String createAfterRejectionSql;
  private final String publishSql;
  private final String releaseSql;
  private final String releaseSettlingSql;

  /** How long the text columns are, as the table at hand declares them (never more than the DDL's). */
  record Limits(int token, int tokenType, int leaseOwner, int leaseId, int lastError) {
    static final Limits DDL = new Limits(AccessToken.MAX_LENGTH, 64, 128, RenewalLease.MAX_ID_LENGTH,
        FetchFailure.MAX_CODE_LENGTH);

    Limits atMost(Limits other) {
      return new Limits(Math.min(token, other.token), Math.min(tokenType, other.tokenType),
          Math.min(leaseOwner, other.leaseOwner), Math.min(leaseId, other.leaseId),
          Math.min(lastError, other.lastError));
    }
  }

  TokenTable(DataSource dataSource, TableName table, Dialect dialect, Limits limits, int queryTimeoutSeconds,
      StatementWatchdog watchdog) {
    this.dataSource = dataSource;
    this.table = table;
    this.dialect = dialect;
    this.limits = limits;
    this.queryTimeoutSeconds = queryTimeoutSeconds;
    this.watchdog = watchdog;
    String t = table.sql();
    String now = dialect.now();
    String nowPlus = dialect.nowPlusMillis();
    this.readSql = tagged("read", "SELECT version, token, token_type, lifetime_seconds, lease_owner, last_error, "
        + dialect.millisUntil("expires_at") + ", " + dialect.millisUntil("lease_until") + ", "
        + dialect.millisUntil("next_attempt_at") + ", " + dialect.millisUntil("settle_until") + ", "
        + dialect.millisUntil("fetched_at") + ", " + dialect.millisUntil("rejection_fetch_at")
        + " FROM " + t + " WHERE token_key = ?");
    String grantable = " WHERE token_key = ? AND version = ? AND (lease_owner IS NULL OR lease_until <= " + now + ")"
        + " AND (settle_until IS NULL OR settle_until <= " + now + ")";
    String setLease = "UPDATE " + t + " SET lease_owner = ?, lease_id = ?, lease_until = " + nowPlus;
    this.leaseSql = tagged("lease", setLease + grantable);
    this.leaseAfterRejectionSql = tagged("lease", setLease + ", rejection_fetch_at = " + now + grantable);
    // granted once the latest rejection-triggered lease is at least the interval old: bound as minus the interval
    this.leaseAfterRejectionLimitedSql = tagged("lease", setLease + ", rejection_fetch_at = " + now + grantable
        + " AND (rejection_fetch_at IS NULL OR rejection_fetch_at <= " + nowPlus + ")");
    String insert = "INSERT INTO " + t + " (token_key, version, lifetime_seconds, lease_owner, lease_id, lease_until,"
        + " rejection_fetch_at) VALUES (?, 0, 0, ?, ?, " + nowPlus + ", ";
    this.createSql = tagged("lease", dialect.insertIgnoringDuplicateKey(insert + "NULL)"));
    this.createAfterRejectionSql = tagged("lease", dialect.insertIgnoringDuplicateKey(insert + now + ")"));
    String fenced = " WHERE token_key = ? AND version = ? AND lease_id = ? AND lease_until > " + now;
    this.publishSql = tagged("publish", "UPDATE " + t + " SET version = ?, token = ?, token_type = ?, expires_at = "
        + nowPlus + ", lifetime_seconds = ?, fetched_at = " + now + ", lease_owner = NULL, lease_id = NULL,"
        + " lease_until = NULL, last_error = NULL, next_attempt_at = NULL, settle_until = NULL" + fenced);
    String release = "UPDATE " + t + " SET lease_owner = NULL, lease_id = NULL, lease_until = NULL, last_error = ?,"
        + " next_attempt_at = " + nowPlus + ", settle_until = ";
    // NULL rather than now + 0: a stored now rounded up to the column's milliseconds would still hold back
    // the lease of the next statement in the same millisecond
    this.releaseSql = tagged("release", release + "NULL" + fenced);
    this.releaseSettlingSql = tagged("release", release + nowPlus + fenced);
  }

  /** {@code sql} with the comment naming it as the store's {@code kind} statement. */
  static String tagged(String kind, String sql) {
    return "/* " + TAG + kind + " */ " + sql;
  }

  Dialect dialect() {
    return dialect;
  }

  Limits limits() {
    return limits;
  }

  /** The row of {@code key}, its times relative to the database clock at the moment of the read. */
  Optional<StoredToken> read(OngoingCall call, TokenKey key) {
    String operation = "read the token of " + key;
    return run(call, operation, connection -> {
      try (PreparedStatement select = prepare(connection, readSql)) {
        select.setString(1, key.id());
        try (ResultSet row = watchdog.run(call, connection, operation, select::executeQuery)) {
          return row.next() ? Optional.of(toStoredToken(key, row)) : Optional.<StoredToken>empty();
        }
      }
    });
  }

  /**
   * The conditional UPDATE of the lease, which also holds back leases while the fleet settles and,
   * after a rejection, within the fleet's rejection interval; for version 0 and no row yet, the INSERT
   * that creates the row.
   */
  Optional<RenewalLease> tryLease(OngoingCall call, LeaseRequest request) {
    if (request.owner().length() > limits.leaseOwner()) {
      throw new TokenStoreException("lease owner name is " + request.owner().length() + " characters long; column"
          + " lease_owner of table " + table + " holds " + limits.leaseOwner());
    }
    String operation = "lease the token of " + request.key();
    boolean limited = request.afterRejection() && !request.rejectionInterval().isZero();
    String sql = !request.afterRejection() ? leaseSql : limited ? leaseAfterRejectionLimitedSql : leaseAfterRejectionSql;
    return run(call, operation, connection -> {
      String id = newLeaseId();
      try (PreparedStatement update = prepare(connection, sql)) {
        update.setString(1, request.owner());
        update.setString(2, id);
        update.setLong(3, millis(request.duration()));
        update.setString(4, request.key().id());
        update.setLong(5, request.seenVersion());
        if (limited) {
          update.setLong(6, -millis(request.rejectionInterval()));
        }
        if (watchdog.run(call, connection, operation, update::executeUpdate) == 1) {
          return Optional.of(RenewalLease.granted(request, id));
        }
      }
      if (request.seenVersion() != 0) {
        return Optional.<RenewalLease>empty();
      }
      return createRow(call, connection, operation, request, id)
          ? Optional.of(RenewalLease.granted(request, id))
          : Optional.<RenewalLease>empty();
    });
  }

  private boolean createRow(OngoingCall call, Connection connection, String operation, LeaseRequest request, String id)
      throws SQLException {
    try (PreparedStatement insert = prepare(connection, request.afterRejection() ? createAfterRejectionSql : createSql)) {
      insert.setString(1, request.key().id());
      insert.setString(2, request.owner());
      insert.setString(3, id);
      insert.setLong(4, millis(request.duration()));
      return watchdog.run(call, connection, operation, insert::executeUpdate) == 1;
    } catch (SQLException e) {
      if (SqlFailures.isDuplicateKey(e)) {
        return false; // another node created the row first, and with it its lease
      }
      throw e;
    }
  }

  /**
   * The fenced UPDATE. The row it returns is what the statement wrote, its times as of the statement's
   * own database time; it does not tell {@link StoredToken#rejectionFetchAgo()}, which a publish leaves
   * as it was (a {@link #read} does).
   */
  Optional<StoredToken> publish(OngoingCall call, RenewalLease lease, FreshToken token) {
    if (token.value().length() > limits.token()) {
      throw new TokenStoreException("the token is " + token.value().length() + " characters long; column token of"
          + " table " + table + " holds at most " + limits.token() + ". Nothing was stored; widen the column to"
          + " VARCHAR(" + AccessToken.MAX_LENGTH + ")");
    }
    if (token.type().length() > limits.tokenType()) {
      throw new TokenStoreException("the token type is " + token.type().length() + " characters long; column"
          + " token_type of table " + table + " holds at most " + limits.tokenType() + ". Nothing was stored");
    }
    long remainingMillis = millis(token.remaining());
    long lifetimeSeconds = token.lifetime().getSeconds();
    String operation = "publish version " + lease.nextVersion() + " of " + lease.key();
    boolean stored = run(call, operation, connection -> {
      try (PreparedStatement update = prepare(connection, publishSql)) {
        update.setLong(1, lease.nextVersion());
        update.setString(2, token.value());
        update.setString(3, token.type());
        update.setLong(4, remainingMillis);
        update.setLong(5, lifetimeSeconds);
        update.setString(6, lease.key().id());
        update.setLong(7, lease.seenVersion());
        update.setString(8, lease.id());
        return watchdog.run(call, connection, operation, update::executeUpdate) == 1;
      }
    });
    if (!stored) {
      return Optional.empty();
    }
    return Optional.of(StoredToken.builder(lease.key())
        .token(lease.nextVersion(), token.value(), token.type(), Duration.ofMillis(remainingMillis),
            Duration.ofSeconds(lifetimeSeconds))
        .build());
  }

  /** The fenced UPDATE that frees a lease after a failed fetch and tells the fleet when to go on. */
  void releaseAfterFailure(OngoingCall call, RenewalLease lease, FetchFailure failure) {
    String code = failure.code().length() <= limits.lastError() ? failure.code()
        : failure.code().substring(0, limits.lastError());
    String operation = "record the failure of " + lease.key();
    boolean settles = failure.settles();
    run(call, operation, connection -> {
      try (PreparedStatement update = prepare(connection, settles ? releaseSettlingSql : releaseSql)) {
        int index = 1;
        update.setString(index++, code);
        update.setLong(index++, millis(failure.retryAfter()));
        if (settles) {
          update.setLong(index++, millis(failure.settle()));
        }
        update.setString(index++, lease.key().id());
        update.setLong(index++, lease.seenVersion());
        update.setString(index, lease.id());
        return watchdog.run(call, connection, operation, update::executeUpdate);
      }
    });
  }

  private StoredToken toStoredToken(TokenKey key, ResultSet row) throws SQLException {
    long version = row.getLong(1);
    String token = row.getString(2);
    if (version > 0 && token == null) {
      throw new TokenStoreException("the row of " + key + " in table " + table + " has version " + version
          + " but no token; was it edited by hand?");
    }
    Duration untilFetched = millisOrNull(row, 11);
    Duration untilRejectionFetch = millisOrNull(row, 12);
    return StoredToken.builder(key)
        .token(version, version == 0 ? null : token, row.getString(3), millisOrZero(row, 7),
            Duration.ofSeconds(row.getLong(4)))
        .lease(row.getString(5), millisOrZero(row, 8))
        .lastError(row.getString(6), millisOrZero(row, 9))
        .settleIn(millisOrZero(row, 10))
        .fetchedAgo(version == 0 || untilFetched == null ? Duration.ZERO : sinceThen(untilFetched))
        .rejectionFetchAgo(untilRejectionFetch == null ? null : sinceThen(untilRejectionFetch))
        .build();
  }

  /**
   * How long ago a moment was, from the milliseconds until it: never negative, since a time stored
   * a moment ago rounds to the column's millisecond and may read as up to 1 ms in the future.
   */
  private static Duration sinceThen(Duration until) {
    return until.isNegative() ? until.negated() : Duration.ZERO;
  }

  private static Duration millisOrZero(ResultSet row, int column) throws SQLException {
    Duration value = millisOrNull(row, column);
    return value == null ? Duration.ZERO : value;
  }

  private static Duration millisOrNull(ResultSet row, int column) throws SQLException {
    long millis = row.getLong(column);
    return row.wasNull() ? null : Duration.ofMillis(millis);
  }

  private PreparedStatement prepare(Connection connection, String sql) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    statement.setQueryTimeout(queryTimeoutSeconds);
    return statement;
  }

  /** A fresh random lease id: 32 hex digits, 128 bits from a {@link SecureRandom}, as it is the lease's credential. */
  static String newLeaseId() {
    byte[] bytes = new byte[LEASE_ID_BYTES];
    LEASE_IDS.nextBytes(bytes);
    StringBuilder hex = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return hex.toString();
  }

  /** How long the lease ids {@link #newLeaseId()} makes are. */
  static int leaseIdLength() {
    return LEASE_ID_BYTES * 2;
  }

  static long millis(Duration duration) {
    if (duration.compareTo(Duration.ofMillis(MAX_MILLIS)) > 0) {
      return MAX_MILLIS;
    }
    if (duration.compareTo(Duration.ofMillis(-MAX_MILLIS)) < 0) {
      return -MAX_MILLIS;
    }
    return duration.toMillis();
  }

  /** One operation on a connection of its own, committed if the connection does not auto-commit. */
  private <T> T run(OngoingCall call, String operation, Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      Connection connection;
      try {
        connection = dataSource.getConnection();
      } catch (SQLException e) {
        throw SqlFailures.noConnection(operation, table, e);
      }
      try {
        T result = inTransaction(connection, work, watched(call, connection, operation));
        close(connection);
        return result;
      } catch (SQLException e) {
        close(connection);
        if (attempt < MAX_ATTEMPTS && SqlFailures.isRetryable(e) && !call.isOver()) {
          pauseBeforeRetry(attempt);
          continue;
        }
        // the table was checked a moment ago: a column "missing" now is another node's upgrade under way
        // (H2 rebuilds a table to add a column), so wait for it a little before believing it
        if (attempt < MISSING_COLUMN_ATTEMPTS && SqlFailures.isMissingTableOrColumn(e) && !call.isOver()) {
          pause(MISSING_COLUMN_PAUSE_MILLIS * attempt);
          continue;
        }
        throw call.explain(SqlFailures.statementFailed(operation, table, e));
      } catch (TokenStoreException e) {
        close(connection);
        throw call.explain(e);
      } catch (RuntimeException e) {
        close(connection);
        throw call.explain(SqlFailures.unexpected(operation, table, e));
      }
    }
  }

  // full jitter, so that the statements that collided do not collide again
  private static void pauseBeforeRetry(int attempt) {
    pause(ThreadLocalRandom.current().nextLong(Math.min(50, 2L << attempt)));
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs {@code work}, then commits, or rolls back on failure, if the connection does not auto-commit;
   * the commit and the rollback run through {@code guard}, as they talk to the database too.
   */
  static <T> T inTransaction(Connection connection, Work<T> work, Ending ending) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    try {
      T result = work.run(connection);
      if (!autoCommit) {
        ending.commit();
      }
      return result;
    } catch (SQLException | RuntimeException e) {
      if (!autoCommit) {
        try {
          ending.rollback();
        } catch (SQLException | RuntimeException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
      }
      throw e;
    }
  }

  static void close(Connection connection) {
    try {
      connection.close();
    } catch (SQLException | RuntimeException ignored) {
      // the operation's outcome is known; a pool that cannot take the connection back is not its failure
    }
  }

  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** How a transaction ends: its commit and its rollback, both of which talk to the database. */
  interface Ending {
    void commit() throws SQLException;

    void rollback() throws SQLException;
  }

  /**
   * The ending of a transaction of {@code call}, under the watchdog: the commit only while the call goes
   * on (a call cancelled before its commit changes nothing), the rollback always.
   */
  static Ending watched(OngoingCall call, Connection connection, String operation, StatementWatchdog watchdog) {
    return new Ending() {
      @Override
      public void commit() throws SQLException {
        watchdog.run(call, connection, operation, () -> {
          connection.commit();
          return null;
        });
      }

      @Override
      public void rollback() throws SQLException {
        watchdog.runToTheEnd(call, connection, operation, () -> {
          connection.rollback();
          return null;
        });
      }
    };
  }

  private Ending watched(OngoingCall call, Connection connection, String operation) {
    return watched(call, connection, operation, watchdog);
  }

  @Override
  public String toString() {
    return table + " on " + dialect;
  }
}
