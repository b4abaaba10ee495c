package com.ctcfile.token.store.jdbc;

import com.ctcfile.token.TokenStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Gets a {@link TokenTable} ready: finds the dialect, checks that the table has every column with a
 * type that holds what the store writes, creates the table from the shipped DDL or adds the columns a
 * newer version needs, when asked to.
 *
 * <p>The columns are read from the metadata of a query that selects no row, so the database itself
 * resolves the (possibly schema-qualified, case-folded) table name. Column types matter beyond "the
 * statements run": a time column without a time zone is read in each session's zone, so nodes whose
 * sessions differ would disagree on leases; such a table is refused with the column, its type and the
 * type the DDL gives it.
 *
 * <p>Creation and upgrade are safe when many nodes start at once: the DDL says {@code IF NOT EXISTS}
 * where the database knows it, and a failed {@code CREATE} or {@code ALTER} is forgiven when the table
 * or column is there afterwards (PostgreSQL, for one, can fail a concurrent
 * {@code CREATE TABLE IF NOT EXISTS} on its catalog's unique index; MySQL knows no
 * {@code ADD COLUMN IF NOT EXISTS}).
 */
final class TableSetup {

  private static final String OPERATION = "prepare the token table";
  private static final int SETUP_ATTEMPTS = 6;
  private static final Pattern DEFAULT_NAME = Pattern.compile("\\b" + TableName.DEFAULT + "\\b");
  private static final Pattern ADDED_COLUMN = Pattern.compile(
      "(?i)\\bADD\\s+(?:COLUMN\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?\\(?\\s*([a-z_]+)");

  private final Connection connection;
  private final Dialect dialect;
  private final TableName table;
  private final int queryTimeoutSeconds;
  private final StatementWatchdog watchdog;
  private final OngoingCall call;

  private TableSetup(Connection connection, Dialect dialect, TableName table, int queryTimeoutSeconds,
      StatementWatchdog watchdog, OngoingCall call) {
    this.connection = connection;
    this.dialect = dialect;
    this.table = table;
    this.queryTimeoutSeconds = queryTimeoutSeconds;
    this.watchdog = watchdog;
    this.call = call;
  }

  static TokenTable prepare(DataSource dataSource, TableName table, boolean createIfMissing, int queryTimeoutSeconds,
      StatementWatchdog watchdog, OngoingCall call) {
    Connection connection;
    try {
      connection = dataSource.getConnection();
    } catch (SQLException e) {
      throw SqlFailures.noConnection(OPERATION, table, e);
    }
    try {
      Dialect dialect = dialectOf(connection);
      TableSetup setup = new TableSetup(connection, dialect, table, queryTimeoutSeconds, watchdog, call);
      TokenTable.Limits limits = setup.checkedColumns(createIfMissing);
      return new TokenTable(dataSource, table, dialect, limits, queryTimeoutSeconds, watchdog);
    } catch (SQLException e) {
      throw call.explain(SqlFailures.statementFailed(OPERATION, table, e));
    } catch (TokenStoreException e) {
      throw call.explain(e);
    } catch (RuntimeException e) {
      throw call.explain(SqlFailures.unexpected(OPERATION, table, e));
    } finally {
      TokenTable.close(connection);
    }
  }

  /** The {@code CREATE TABLE} of {@code dialect} for {@code table}, as shipped in the jar, comments removed. */
  static String ddl(Dialect dialect, TableName table) {
    return forTable(withoutComments(resource(dialect.ddlResource())), table);
  }

  /**
   * The {@code ALTER TABLE} statements of {@code dialect} that add, to a {@code table} created by an
   * earlier version of the DDL, the columns {@link Column#addedByUpgrade()}, in the order they are
   * shipped in {@link Dialect#upgradeResource()}.
   */
  static Map<Column, String> upgrade(Dialect dialect, TableName table) {
    Map<Column, String> statements = new LinkedHashMap<>();
    for (String statement : withoutComments(resource(dialect.upgradeResource())).split(";")) {
      String sql = statement.trim();
      if (sql.isEmpty()) {
        continue;
      }
      Matcher added = ADDED_COLUMN.matcher(sql);
      if (!added.find()) {
        throw new IllegalStateException(dialect.upgradeResource() + " has a statement that adds no column: " + sql);
      }
      Column column = Column.named(added.group(1)).orElseThrow(() -> new IllegalStateException(
          dialect.upgradeResource() + " adds an unknown column " + added.group(1)));
      statements.put(column, forTable(sql, table));
    }
    return statements;
  }

  private static String resource(String name) {
    try (InputStream in = TableSetup.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }

  private static String withoutComments(String sql) {
    return sql.lines().filter(line -> !line.trim().startsWith("--")).collect(Collectors.joining("\n")).trim();
  }

  private static String forTable(String sql, TableName table) {
    return DEFAULT_NAME.matcher(sql).replaceAll(Matcher.quoteReplacement(table.sql()));
  }

  private static Dialect dialectOf(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName();
    return Dialect.forProduct(product).orElseThrow(() -> new TokenStoreException("the database is " + product
        + ", which JdbcTokenStore does not support; it speaks PostgreSQL, MySQL/MariaDB and H2 (tested),"
        + " Oracle and SQL Server (untested)"));
  }

  /**
   * The table's limits once every column is there with a fitting type; creates or upgrades it if
   * allowed. When allowed, a failed attempt is made again a few times, with growing pauses (2.5 s in
   * all at most), unless the connection broke: other nodes may be creating or altering the table at the
   * same moment, and databases answer that in many ways (a table that seems to vanish, a lock timeout,
   * a deadlock, H2's general error from two rebuilds of one table).
   */
  private TokenTable.Limits checkedColumns(boolean createIfMissing) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        return checkedColumnsOnce(createIfMissing);
      } catch (SQLException e) {
        if (!createIfMissing || attempt == SETUP_ATTEMPTS || SqlFailures.isConnectionFailure(e) || call.isOver()) {
          throw e;
        }
        pause(attempt);
      }
    }
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(20L << attempt, 40L << attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private TokenTable.Limits checkedColumnsOnce(boolean createIfMissing) throws SQLException {
    Shape shape;
    try {
      shape = inspect();
    } catch (SQLException unreadable) {
      if (!createIfMissing) {
        throw SqlFailures.tableUnusable(table, dialect, unreadable);
      }
      create();
      shape = inspect();
    }
    if (!shape.missing().isEmpty()) {
      Set<Column> notAddable = shape.missing().stream().filter(column -> !column.addedByUpgrade())
          .collect(Collectors.toCollection(() -> EnumSet.noneOf(Column.class)));
      if (!notAddable.isEmpty()) {
        throw SqlFailures.columnsMissing(table, dialect, notAddable);
      }
      if (!createIfMissing) {
        throw SqlFailures.upgradeNeeded(table, dialect, pick(upgrade(dialect, table), shape.missing()));
      }
      shape = upgrade(shape.missing());
    }
    if (!shape.problems().isEmpty()) {
      throw SqlFailures.wrongColumnTypes(table, dialect, shape.problems());
    }
    return shape.limits();
  }

  /** What the table holds, read from the metadata of a query that selects no row. */
  private Shape inspect() throws SQLException {
    return TokenTable.inTransaction(connection, c -> {
      try (Statement select = connection.createStatement()) {
        select.setQueryTimeout(queryTimeoutSeconds);
        String sql = TokenTable.tagged("setup", "SELECT * FROM " + table.sql() + " WHERE 1 = 0");
        try (ResultSet rows = watchdog.run(call, connection, OPERATION, () -> select.executeQuery(sql))) {
          return Shape.of(rows.getMetaData(), dialect);
        }
      }
    }, TokenTable.watched(call, connection, OPERATION, watchdog));
  }

  private void create() throws SQLException {
    try {
      execute(ddl(dialect, table));
    } catch (SQLException e) {
      try {
        inspect();
      } catch (SQLException stillMissing) {
        e.addSuppressed(stillMissing);
        throw e;
      }
    }
  }

  /** Adds the {@code missing} columns; a failure is forgiven if another node added the column meanwhile. */
  private Shape upgrade(Set<Column> missing) throws SQLException {
    List<SQLException> failures = new ArrayList<>();
    for (String alter : pick(upgrade(dialect, table), missing).values()) {
      try {
        execute(alter);
      } catch (SQLException e) {
        failures.add(e);
      }
    }
    Shape shape = inspect();
    if (!shape.missing().isEmpty()) {
      if (!failures.isEmpty()) {
        SQLException first = failures.get(0);
        failures.stream().skip(1).forEach(first::addSuppressed);
        throw first;
      }
      throw SqlFailures.upgradeNeeded(table, dialect, pick(upgrade(dialect, table), shape.missing()));
    }
    return shape;
  }

  private void execute(String ddl) throws SQLException {
    TokenTable.inTransaction(connection, c -> {
      try (Statement statement = connection.createStatement()) {
        statement.setQueryTimeout(queryTimeoutSeconds);
        return watchdog.run(call, connection, OPERATION, () -> statement.execute(TokenTable.tagged("setup", ddl)));
      }
    }, TokenTable.watched(call, connection, OPERATION, watchdog));
  }

  private static Map<Column, String> pick(Map<Column, String> statements, Set<Column> columns) {
    Map<Column, String> picked = new LinkedHashMap<>(statements);
    picked.keySet().retainAll(columns);
    return picked;
  }

  /** The columns a table lacks, what is wrong with the types of those it has, and how wide its text columns are. */
  private record Shape(Set<Column> missing, List<String> problems, TokenTable.Limits limits) {

    static Shape of(ResultSetMetaData meta, Dialect dialect) throws SQLException {
      Map<Column, Integer> found = new EnumMap<>(Column.class);
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        int index = i;
        Column.named(meta.getColumnLabel(i)).ifPresent(column -> found.put(column, index));
      }
      Set<Column> missing = EnumSet.allOf(Column.class);
      missing.removeAll(found.keySet());
      List<String> problems = new ArrayList<>();
      for (Map.Entry<Column, Integer> column : found.entrySet()) {
        column.getKey().problemWith(meta, column.getValue(), dialect).ifPresent(problems::add);
      }
      TokenTable.Limits limits = TokenTable.Limits.DDL.atMost(new TokenTable.Limits(
          width(meta, found.get(Column.TOKEN)), width(meta, found.get(Column.TOKEN_TYPE)),
          width(meta, found.get(Column.LEASE_OWNER)), width(meta, found.get(Column.LEASE_ID)),
          width(meta, found.get(Column.LAST_ERROR))));
      if (found.containsKey(Column.LEASE_ID) && limits.leaseId() < TokenTable.leaseIdLength()) {
        problems.add("column lease_id holds " + limits.leaseId() + " characters, but lease ids are "
            + TokenTable.leaseIdLength() + " long (the DDL gives it 64)");
      }
      return new Shape(missing, problems, limits);
    }

    private static int width(ResultSetMetaData meta, Integer column) throws SQLException {
      if (column == null) {
        return Integer.MAX_VALUE;
      }
      int precision = meta.getPrecision(column);
      return precision > 0 ? precision : Integer.MAX_VALUE;
    }
  }
}
