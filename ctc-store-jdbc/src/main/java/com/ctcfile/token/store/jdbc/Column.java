package com.ctcfile.token.store.jdbc;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The columns of the token table, the kind of value each must hold, and which of them an upgrade adds
 * to a table created by an earlier version of the DDL.
 *
 * <p>The kinds are checked when the store first meets the table ({@link TableSetup}), because a wrong
 * type does not fail any statement: a time column without a time zone is simply read in each
 * session's zone, and two nodes in different zones then disagree on whether a lease is live.
 */
enum Column {
  TOKEN_KEY("token_key", Kind.TEXT, false),
  VERSION("version", Kind.BIG_WHOLE_NUMBER, false),
  TOKEN("token", Kind.TEXT, false),
  TOKEN_TYPE("token_type", Kind.TEXT, false),
  EXPIRES_AT("expires_at", Kind.INSTANT, false),
  LIFETIME_SECONDS("lifetime_seconds", Kind.WHOLE_NUMBER, false),
  FETCHED_AT("fetched_at", Kind.INSTANT, false),
  LEASE_OWNER("lease_owner", Kind.TEXT, false),
  LEASE_ID("lease_id", Kind.TEXT, true),
  LEASE_UNTIL("lease_until", Kind.INSTANT, false),
  LAST_ERROR("last_error", Kind.TEXT, false),
  NEXT_ATTEMPT_AT("next_attempt_at", Kind.INSTANT, false),
  SETTLE_UNTIL("settle_until", Kind.INSTANT, true),
  REJECTION_FETCH_AT("rejection_fetch_at", Kind.INSTANT, true);

  /** What a column must hold, whatever each database calls it. */
  enum Kind {
    TEXT,
    /** 64 bits at least: versions may jump ahead ({@code LeaseRequest.publishingAtLeast}). */
    BIG_WHOLE_NUMBER,
    WHOLE_NUMBER,
    /** A point in time, the same for every session whatever its time zone. */
    INSTANT
  }

  private static final Set<Integer> TEXT_TYPES = Set.of(Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR,
      Types.NVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB);

  private final String sqlName;
  private final Kind kind;
  private final boolean addedByUpgrade;

  Column(String sqlName, Kind kind, boolean addedByUpgrade) {
    this.sqlName = sqlName;
    this.kind = kind;
    this.addedByUpgrade = addedByUpgrade;
  }

  /** The column's name, lower-case, as the DDL and the statements spell it. */
  String sqlName() {
    return sqlName;
  }

  /** Whether the column is missing from tables created by the first version of the DDL, and an upgrade adds it. */
  boolean addedByUpgrade() {
    return addedByUpgrade;
  }

  /** The column of that name, case-insensitively. */
  static Optional<Column> named(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (Column column : values()) {
      if (column.sqlName.equals(lower)) {
        return Optional.of(column);
      }
    }
    return Optional.empty();
  }

  /**
   * Why column {@code index} of {@code meta} cannot serve as this column on {@code dialect}, or empty
   * if it can.
   */
  Optional<String> problemWith(ResultSetMetaData meta, int index, Dialect dialect) throws SQLException {
    int type = meta.getColumnType(index);
    String typeName = String.valueOf(meta.getColumnTypeName(index));
    boolean fits;
    switch (kind) {
      case TEXT:
        fits = TEXT_TYPES.contains(type);
        break;
      case BIG_WHOLE_NUMBER:
        fits = type == Types.BIGINT || isWholeDecimal(meta, index, type, 18);
        break;
      case WHOLE_NUMBER:
        fits = type == Types.BIGINT || type == Types.INTEGER || isWholeDecimal(meta, index, type, 10);
        break;
      case INSTANT:
        fits = dialect.holdsInstants(type, typeName);
        break;
      default:
        throw new IllegalStateException("unknown kind " + kind);
    }
    if (fits) {
      return Optional.empty();
    }
    return Optional.of("column " + sqlName + " is " + typeName + ", expected " + expectedType(dialect) + why());
  }

  private String expectedType(Dialect dialect) {
    switch (kind) {
      case TEXT:
        return "a character type (VARCHAR)";
      case BIG_WHOLE_NUMBER:
      case WHOLE_NUMBER:
        return dialect == Dialect.ORACLE ? "NUMBER(19)" : "BIGINT";
      case INSTANT:
        return dialect.instantType();
      default:
        throw new IllegalStateException("unknown kind " + kind);
    }
  }

  private String why() {
    switch (kind) {
      case INSTANT:
        return " (a time without a time zone is read in each session's zone, so nodes in different zones would"
            + " disagree on leases and two could hold one at once)";
      case BIG_WHOLE_NUMBER:
        return " (a 64-bit whole number)";
      case WHOLE_NUMBER:
        return " (a whole number)";
      default:
        return "";
    }
  }

  private static boolean isWholeDecimal(ResultSetMetaData meta, int index, int type, int digits) throws SQLException {
    return (type == Types.NUMERIC || type == Types.DECIMAL) && meta.getScale(index) == 0
        && meta.getPrecision(index) >= digits;
  }
}
