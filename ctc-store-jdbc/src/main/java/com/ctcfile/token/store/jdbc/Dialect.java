package com.ctcfile.token.store.jdbc;

import java.sql.Types;
import java.util.Locale;
import java.util.Optional;

/**
 * How one database family spells the few things the statements need that SQL does not standardise:
 * the database clock, "now plus so many milliseconds", "milliseconds from now until a column", and
 * which column type holds a point in time whatever a session's time zone.
 *
 * <p>Every time the store writes or compares comes from these expressions, evaluated by the database,
 * so the nodes' own clocks never matter. Each expression reads the clock once per statement.
 */
enum Dialect {

  /** Tested. {@code statement_timestamp()} rather than {@code now()}: correct inside any transaction. */
  POSTGRESQL("PostgreSQL", "postgresql", true) {
    @Override
    String now() {
      return "statement_timestamp()";
    }

    @Override
    String nowPlusMillis() {
      return "(statement_timestamp() + ? * INTERVAL '1 millisecond')";
    }

    @Override
    String millisUntil(String column) {
      return "CAST(CEIL(EXTRACT(EPOCH FROM (" + column + " - statement_timestamp())) * 1000) AS BIGINT)";
    }

    @Override
    String insertIgnoringDuplicateKey(String insert) {
      // no error for the loser of a creation race, so nothing in the server log either
      return insert + " ON CONFLICT (token_key) DO NOTHING";
    }

    @Override
    boolean holdsInstants(int jdbcType, String typeName) {
      return typeName.equalsIgnoreCase("timestamptz");
    }

    @Override
    String instantType() {
      return "TIMESTAMP(3) WITH TIME ZONE";
    }
  },

  /**
   * Tested on MariaDB. Times are stored as UTC {@code DATETIME(3)} from {@code UTC_TIMESTAMP(3)}, which
   * unlike {@code NOW()} does not depend on a session's time zone.
   */
  MYSQL("MySQL/MariaDB", "mysql", true) {
    @Override
    String now() {
      return "UTC_TIMESTAMP(3)";
    }

    @Override
    String nowPlusMillis() {
      return "TIMESTAMPADD(MICROSECOND, ? * 1000, UTC_TIMESTAMP(3))";
    }

    @Override
    String millisUntil(String column) {
      return "CAST(CEIL(TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), " + column + ") / 1000) AS SIGNED)";
    }

    @Override
    boolean holdsInstants(int jdbcType, String typeName) {
      // TIMESTAMP would convert from and to each session's time zone; DATETIME keeps the UTC value written
      return typeName.equalsIgnoreCase("DATETIME");
    }

    @Override
    String instantType() {
      return "DATETIME(3) (holding UTC)";
    }
  },

  /** Tested. */
  H2("H2", "h2", true) {
    @Override
    String now() {
      return "CURRENT_TIMESTAMP";
    }

    @Override
    String nowPlusMillis() {
      return "DATEADD(MILLISECOND, ?, CURRENT_TIMESTAMP)";
    }

    @Override
    String millisUntil(String column) {
      // not DATEDIFF: it compares the local fields and ignores the offsets of values written in other time zones
      return "CAST(CEIL((EXTRACT(EPOCH FROM " + column + ") - EXTRACT(EPOCH FROM CURRENT_TIMESTAMP)) * 1000) AS BIGINT)";
    }

    @Override
    boolean holdsInstants(int jdbcType, String typeName) {
      return jdbcType == Types.TIMESTAMP_WITH_TIMEZONE || typeName.equalsIgnoreCase("TIMESTAMP WITH TIME ZONE");
    }

    @Override
    String instantType() {
      return "TIMESTAMP(3) WITH TIME ZONE";
    }
  },

  /** Written, not tested. */
  ORACLE("Oracle", "oracle", false) {
    @Override
    String now() {
      return "SYSTIMESTAMP";
    }

    @Override
    String nowPlusMillis() {
      return "(SYSTIMESTAMP + NUMTODSINTERVAL(? / 1000, 'SECOND'))";
    }

    @Override
    String millisUntil(String column) {
      String left = "(" + column + " - SYSTIMESTAMP)";
      return "(EXTRACT(DAY FROM " + left + ") * 86400000 + EXTRACT(HOUR FROM " + left + ") * 3600000"
          + " + EXTRACT(MINUTE FROM " + left + ") * 60000 + CEIL(EXTRACT(SECOND FROM " + left + ") * 1000))";
    }

    @Override
    boolean holdsInstants(int jdbcType, String typeName) {
      // WITH TIME ZONE or WITH LOCAL TIME ZONE: both compare as instants
      return typeName.toUpperCase(Locale.ROOT).contains("TIME ZONE");
    }

    @Override
    String instantType() {
      return "TIMESTAMP(3) WITH TIME ZONE";
    }
  },

  /** Written, not tested. */
  SQLSERVER("Microsoft SQL Server", "sqlserver", false) {
    @Override
    String now() {
      return "SYSDATETIMEOFFSET()";
    }

    @Override
    String nowPlusMillis() {
      // DATEADD takes an int; the store never binds more than Integer.MAX_VALUE milliseconds
      return "DATEADD(MILLISECOND, CAST(? AS INT), SYSDATETIMEOFFSET())";
    }

    @Override
    String millisUntil(String column) {
      // counts millisecond boundaries; with a column of whole milliseconds that is the rounded-up difference
      return "DATEDIFF_BIG(MILLISECOND, SYSDATETIMEOFFSET(), " + column + ")";
    }

    @Override
    boolean holdsInstants(int jdbcType, String typeName) {
      return typeName.equalsIgnoreCase("datetimeoffset");
    }

    @Override
    String instantType() {
      return "DATETIMEOFFSET(3)";
    }
  };

  private final String displayName;
  private final String ddlName;
  private final boolean tested;

  Dialect(String displayName, String ddlName, boolean tested) {
    this.displayName = displayName;
    this.ddlName = ddlName;
    this.tested = tested;
  }

  /** The database clock's current time. */
  abstract String now();

  /** The database clock's time plus one {@code BIGINT} parameter of milliseconds. */
  abstract String nowPlusMillis();

  /**
   * Milliseconds from the database clock's now until {@code column}, null if the column is. Rounded up,
   * so the result is positive exactly when the statements' {@code column > now} holds: a lease a read
   * shows as run out is one that publish refuses.
   */
  abstract String millisUntil(String column);

  /**
   * Whether a column the driver reports as {@code jdbcType} ({@link Types}) named {@code typeName} holds
   * an instant: the same point in time for every session, whatever its time zone.
   */
  abstract boolean holdsInstants(int jdbcType, String typeName);

  /** The type the shipped DDL gives the time columns, as messages name it. */
  abstract String instantType();

  /**
   * {@code insert}, made to do nothing where the key exists, if the dialect can say so; otherwise
   * {@code insert} as is, and the duplicate key error tells the caller.
   */
  String insertIgnoringDuplicateKey(String insert) {
    return insert;
  }

  /** The class-path resource holding this dialect's {@code CREATE TABLE}. */
  String ddlResource() {
    return "com/ctcfile/token/store/jdbc/ddl/" + ddlName + ".sql";
  }

  /**
   * The class-path resource holding this dialect's {@code ALTER TABLE} statements that bring a table
   * created by an earlier version of the DDL up to date, one column each.
   */
  String upgradeResource() {
    return "com/ctcfile/token/store/jdbc/ddl/upgrade/" + ddlName + ".sql";
  }

  boolean isTested() {
    return tested;
  }

  /** The dialect of a database product, as {@code DatabaseMetaData.getDatabaseProductName()} names it. */
  static Optional<Dialect> forProduct(String productName) {
    String name = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
    if (name.contains("postgresql")) {
      return Optional.of(POSTGRESQL);
    }
    if (name.contains("mysql") || name.contains("mariadb")) {
      return Optional.of(MYSQL);
    }
    if (name.equals("h2")) {
      return Optional.of(H2);
    }
    if (name.contains("oracle")) {
      return Optional.of(ORACLE);
    }
    if (name.contains("microsoft sql server")) {
      return Optional.of(SQLSERVER);
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return displayName;
  }
}
