package com.ctcfile.token.store.jdbc;

import com.ctcfile.token.TokenStoreException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns what a JDBC driver throws into a {@link TokenStoreException} that is safe to log.
 *
 * <p>Databases quote row values in their messages: PostgreSQL's "Failing row contains (...)" and
 * "Key (...)=(...)" details, MySQL's "Duplicate entry '...'", H2's echo of the offending value,
 * a trigger's own text. Any of those may be a token, so the driver's message of a failed statement
 * is never passed on: the exception names the operation, the table, the SQLState and vendor code,
 * and its cause is a message-less copy of the driver's exception with the original stack trace.
 * Failures to connect (SQLState class 08, or no connection at all) quote no rows, so those keep the
 * driver's exception as their cause, since its message is what an operator needs.
 */
final class SqlFailures {

  private static final String WITHHELD = "driver message withheld: databases may quote row values, such as tokens, in it";

  private static final Set<String> MISSING_OBJECT_STATES = Set.of(
      "42P01", // PostgreSQL: undefined table
      "42703", // PostgreSQL: undefined column
      "3F000", // PostgreSQL: schema not found
      "42S02", // MySQL, MariaDB, H2: table not found
      "42S03", // H2: table not found, database empty
      "42S04", // H2: table not found, with candidates
      "90079", // H2: schema not found
      "42S22", // MySQL, MariaDB, H2: column not found
      "42102", // H2 2.x: table not found
      "42122", // H2 2.x: column not found
      "S0002"); // SQL Server: invalid object name

  private SqlFailures() {}

  /** No connection could be had: the driver's or pool's message is safe and kept as the cause. */
  static TokenStoreException noConnection(String operation, TableName table, SQLException e) {
    return new TokenStoreException("could not get a database connection to " + operation + " (table " + table + "): "
        + describe(e), e);
  }

  /**
   * The table could not be read as the store needs it. If the database says a table or column is
   * missing, the message says which DDL to run; otherwise it is a {@link #statementFailed} like any.
   */
  static TokenStoreException tableUnusable(TableName table, Dialect dialect, SQLException e) {
    if (!isMissingTableOrColumn(e)) {
      return statementFailed("check the columns", table, e);
    }
    return new TokenStoreException("table " + table + " is missing (" + describe(e) + "); create it with "
        + dialect.ddlResource() + ", shipped in the ctc-store-jdbc jar, or build the store with"
        + " createTableIfMissing(true)", withoutMessage(e));
  }

  /** The table lacks columns every version of the DDL has: it was not made from the shipped DDL. */
  static TokenStoreException columnsMissing(TableName table, Dialect dialect, Set<Column> missing) {
    return new TokenStoreException("table " + table + " lacks the columns " + names(missing) + ", which every"
        + " version of the store's DDL has: it was not created from " + dialect.ddlResource() + " (shipped in the"
        + " ctc-store-jdbc jar); create it from that file");
  }

  /**
   * The table was created by an earlier version of the DDL and lacks the columns {@code alters} add;
   * the message holds the statements to run.
   */
  static TokenStoreException upgradeNeeded(TableName table, Dialect dialect, Map<Column, String> alters) {
    return new TokenStoreException("table " + table + " lacks the columns " + names(alters.keySet()) + " that this"
        + " version of ctc-store-jdbc needs (the table was created by an earlier version). Add them by running "
        + String.join("; ", alters.values()) + " (shipped as " + dialect.upgradeResource() + " in the"
        + " ctc-store-jdbc jar), or build the store with createTableIfMissing(true) and it adds them itself");
  }

  /** Columns whose types cannot hold what the store writes, or would let nodes disagree on it. */
  static TokenStoreException wrongColumnTypes(TableName table, Dialect dialect, List<String> problems) {
    return new TokenStoreException("table " + table + " cannot be used as it is: " + String.join("; ", problems)
        + ". Create the table as " + dialect.ddlResource() + " (shipped in the ctc-store-jdbc jar) does, or alter"
        + " those columns to the types it gives them");
  }

  private static String names(Collection<Column> columns) {
    return columns.stream().map(Column::sqlName).collect(Collectors.joining(", "));
  }

  /** A statement failed: the cause is kept only for connection failures, otherwise a message-less copy. */
  static TokenStoreException statementFailed(String operation, TableName table, SQLException e) {
    String hint = isMissingTableOrColumn(e)
        ? "; the table or one of its columns is missing: create it with the DDL shipped in this jar"
            + " (com/ctcfile/token/store/jdbc/ddl/) or build the store with createTableIfMissing(true)"
        : "";
    if (isConnectionFailure(e)) {
      return new TokenStoreException("could not " + operation + " in table " + table + ": " + describe(e) + hint, e);
    }
    return new TokenStoreException("could not " + operation + " in table " + table + ": " + describe(e) + " ("
        + e.getClass().getName() + ", " + WITHHELD + ")" + hint, withoutMessage(e));
  }

  /** Anything else a driver threw while a statement ran; treated like a statement failure. */
  static TokenStoreException unexpected(String operation, TableName table, RuntimeException e) {
    TokenStoreException failure = new TokenStoreException("could not " + operation + " in table " + table + ": the"
        + " JDBC driver threw " + e.getClass().getName() + " (" + WITHHELD + ")");
    failure.setStackTrace(e.getStackTrace());
    return failure;
  }

  /** A serialization failure or deadlock (SQLState class 40, or H2's concurrent update): retrying is safe. */
  static boolean isRetryable(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("40") || state.equals("90131"));
  }

  /** An integrity constraint violation; on the store's insert, only the primary key can cause one. */
  static boolean isDuplicateKey(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLIntegrityConstraintViolationException || (state != null && state.startsWith("23"));
  }

  static boolean isMissingTableOrColumn(SQLException e) {
    String state = e.getSQLState();
    int code = e.getErrorCode();
    return (state != null && MISSING_OBJECT_STATES.contains(state))
        || code == 942 // Oracle: table or view does not exist
        || code == 904 // Oracle: invalid identifier
        || code == 208 // SQL Server: invalid object name
        || code == 1146 // MySQL: table doesn't exist
        || code == 1049; // MySQL: unknown database (the schema of a qualified name)
  }

  static boolean isConnectionFailure(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith("08");
  }

  private static String describe(SQLException e) {
    return "SQLState " + e.getSQLState() + ", vendor code " + e.getErrorCode();
  }

  private static SQLException withoutMessage(SQLException e) {
    SQLException copy = new SQLException(WITHHELD + " (" + e.getClass().getName() + ")", e.getSQLState(), e.getErrorCode());
    copy.setStackTrace(e.getStackTrace());
    return copy;
  }
}
