package com.ctcfile.token.store.jdbc;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenStoreException;
import com.ctcfile.token.core.port.FreshToken;
import com.ctcfile.token.core.port.LeaseRequest;
import com.ctcfile.token.core.port.RenewalLease;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * The token table of one database: the five statements of the store protocol, each a short
 * transaction of its own. Blocking; {@link JdbcTokenStore} calls it on its own threads.
 *
 * <p>Every time is computed by the database ({@link Dialect}); this class never reads the JVM clock.
 * Durations are bound as milliseconds, saturated at about 24 days (the range every dialect's date
 * arithmetic accepts; a CTC token lives at most 7 days).
 *
 * <p>Works at READ COMMITTED or stricter, with or without auto-commit: every statement is atomic on
 * its own (a conditional UPDATE, or an INSERT the primary key guards), and a connection that does not
 * auto-commit is committed after each operation. A serialization failure or deadlock rolls the
 * statement back entirely, so it is retried, up to 8 times with a short random pause in between.
 */
final class TokenTable {

  static final String COLUMNS = "token_key, version, token, token_type, expires_at, lifetime_seconds, fetched_at,"
      + " lease_owner, lease_until, last_error, next_attempt_at";

  private static final int MAX_ATTEMPTS = 8;
  private static final long MAX_MILLIS = Integer.MAX_VALUE;

  private final DataSource dataSource;
  private final TableName table;
  private final Dialect dialect;
  private final Limits limits;
  private final int queryTimeoutSeconds;

  private final String readSql;
  private final String leaseSql;
  private final String createSql;
  private final String publishSql;
  private final String releaseSql;

  /** How long the text columns are, as the table at hand declares them (never more than the DDL's). */
  record Limits(int token, int tokenType, int leaseOwner, int lastError) {
    static final Limits DDL = new Limits(AccessToken.MAX_LENGTH, 64, 128, 64);

    Limits atMost(Limits other) {
      return new Limits(Math.min(token, other.token), Math.min(tokenType, other.tokenType),
          Math.min(leaseOwner, other.leaseOwner), Math.min(lastError, other.lastError));
    }
  }

  TokenTable(DataSource dataSource, TableName table, Dialect dialect, Limits limits, int queryTimeoutSeconds) {
    this.dataSource = dataSource;
    this.table = table;
    this.dialect = dialect;
    this.limits = limits;
    this.queryTimeoutSeconds = queryTimeoutSeconds;
    String t = table.sql();
    String now = dialect.now();
    String nowPlus = dialect.nowPlusMillis();
    this.readSql = "SELECT version, token, token_type, lifetime_seconds, lease_owner, last_error, "
        + dialect.millisUntil("expires_at") + ", " + dialect.millisUntil("lease_until") + ", "
        + dialect.millisUntil("next_attempt_at") + " FROM " + t + " WHERE token_key = ?";
    this.leaseSql = "UPDATE " + t + " SET lease_owner = ?, lease_until = " + nowPlus
        + " WHERE token_key = ? AND version = ? AND (lease_owner IS NULL OR lease_until <= " + now + ")";
    this.createSql = dialect.insertIgnoringDuplicateKey("INSERT INTO " + t
        + " (token_key, version, lifetime_seconds, lease_owner, lease_until) VALUES (?, 0, 0, ?, " + nowPlus + ")");
    this.publishSql = "UPDATE " + t + " SET version = version + 1, token = ?, token_type = ?, expires_at = " + nowPlus
        + ", lifetime_seconds = ?, fetched_at = " + now + ", lease_owner = NULL, lease_until = NULL,"
        + " last_error = NULL, next_attempt_at = NULL"
        + " WHERE token_key = ? AND version = ? AND lease_owner = ? AND lease_until > " + now;
    this.releaseSql = "UPDATE " + t + " SET lease_owner = NULL, lease_until = NULL, last_error = ?, next_attempt_at = "
        + nowPlus + " WHERE token_key = ? AND version = ? AND lease_owner = ? AND lease_until > " + now;
  }

  Dialect dialect() {
    return dialect;
  }

  Limits limits() {
    return limits;
  }

  /** The row of {@code key}, its times relative to the database clock at the moment of the read. */
  Optional<StoredToken> read(TokenKey key) {
    return run("read the token of " + key, connection -> {
      try (PreparedStatement select = prepare(connection, readSql)) {
        select.setString(1, key.id());
        try (ResultSet row = select.executeQuery()) {
          return row.next() ? Optional.of(toStoredToken(key, row)) : Optional.<StoredToken>empty();
        }
      }
    });
  }

  /** The conditional UPDATE of the lease; for version 0 and no row yet, the INSERT that creates it. */
  Optional<RenewalLease> tryLease(TokenKey key, long seenVersion, String owner, Duration duration) {
    if (owner.length() > limits.leaseOwner()) {
      throw new TokenStoreException("lease owner name is " + owner.length() + " characters long; column lease_owner"
          + " of table " + table + " holds " + limits.leaseOwner());
    }
    return run("lease the token of " + key, connection -> {
      try (PreparedStatement update = prepare(connection, leaseSql)) {
        update.setString(1, owner);
        update.setLong(2, millis(duration));
        update.setString(3, key.id());
        update.setLong(4, seenVersion);
        if (update.executeUpdate() == 1) {
          return Optional.of(RenewalLease.granted(LeaseRequest.scheduled(key, seenVersion, owner, duration), "unversioned-lease"));
        }
      }
      if (seenVersion != 0) {
        return Optional.<RenewalLease>empty();
      }
      return createRow(connection, key, owner, duration)
          ? Optional.of(RenewalLease.granted(LeaseRequest.scheduled(key, 0, owner, duration), "unversioned-lease"))
          : Optional.<RenewalLease>empty();
    });
  }

  private boolean createRow(Connection connection, TokenKey key, String owner, Duration duration) throws SQLException {
    try (PreparedStatement insert = prepare(connection, createSql)) {
      insert.setString(1, key.id());
      insert.setString(2, owner);
      insert.setLong(3, millis(duration));
      return insert.executeUpdate() == 1;
    } catch (SQLException e) {
      if (SqlFailures.isDuplicateKey(e)) {
        return false; // another node created the row first, and with it its lease
      }
      throw e;
    }
  }

  /** The fenced UPDATE; the row it returns is what the statement wrote, as of its own database time. */
  Optional<StoredToken> publish(RenewalLease lease, FreshToken token) {
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
    boolean stored = run("publish version " + lease.nextVersion() + " of " + lease.key(), connection -> {
      try (PreparedStatement update = prepare(connection, publishSql)) {
        update.setString(1, token.value());
        update.setString(2, token.type());
        update.setLong(3, remainingMillis);
        update.setLong(4, lifetimeSeconds);
        update.setString(5, lease.key().id());
        update.setLong(6, lease.seenVersion());
        update.setString(7, lease.owner());
        return update.executeUpdate() == 1;
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

  /** The fenced UPDATE that frees a lease after a failed fetch. */
  void releaseAfterFailure(RenewalLease lease, String errorCode, Duration retryAfter) {
    String code = errorCode.length() <= limits.lastError() ? errorCode : errorCode.substring(0, limits.lastError());
    run("record the failure of " + lease.key(), connection -> {
      try (PreparedStatement update = prepare(connection, releaseSql)) {
        update.setString(1, code);
        update.setLong(2, millis(retryAfter));
        update.setString(3, lease.key().id());
        update.setLong(4, lease.seenVersion());
        update.setString(5, lease.owner());
        return update.executeUpdate();
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
    return StoredToken.builder(key)
        .token(version, version == 0 ? null : token, row.getString(3), millisOrZero(row, 7),
            Duration.ofSeconds(row.getLong(4)))
        .lease(row.getString(5), millisOrZero(row, 8))
        .lastError(row.getString(6), millisOrZero(row, 9))
        .build();
  }

  private static Duration millisOrZero(ResultSet row, int column) throws SQLException {
    long millis = row.getLong(column);
    return row.wasNull() ? Duration.ZERO : Duration.ofMillis(millis);
  }

  private PreparedStatement prepare(Connection connection, String sql) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    statement.setQueryTimeout(queryTimeoutSeconds);
    return statement;
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
  private <T> T run(String operation, Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      Connection connection;
      try {
        connection = dataSource.getConnection();
      } catch (SQLException e) {
        throw SqlFailures.noConnection(operation, table, e);
      }
      try {
        T result = inTransaction(connection, work);
        close(connection);
        return result;
      } catch (SQLException e) {
        close(connection);
        if (attempt < MAX_ATTEMPTS && SqlFailures.isRetryable(e)) {
          pauseBeforeRetry(attempt);
          continue;
        }
        throw SqlFailures.statementFailed(operation, table, e);
      } catch (TokenStoreException e) {
        close(connection);
        throw e;
      } catch (RuntimeException e) {
        close(connection);
        throw SqlFailures.unexpected(operation, table, e);
      }
    }
  }

  // full jitter, so that the statements that collided do not collide again
  private static void pauseBeforeRetry(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(Math.min(50, 2L << attempt)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs {@code work}, then commits, or rolls back on failure, if the connection does not auto-commit. */
  static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    try {
      T result = work.run(connection);
      if (!autoCommit) {
        connection.commit();
      }
      return result;
    } catch (SQLException | RuntimeException e) {
      if (!autoCommit) {
        try {
          connection.rollback();
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
      }
      throw e;
    }
  }

  private static void close(Connection connection) {
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

  @Override
  public String toString() {
    return table + " on " + dialect;
  }
}
