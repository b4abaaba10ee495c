package com.ctcfile.token.store.jdbc;

import com.ctcfile.token.TokenStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Gets a {@link TokenTable} ready: finds the dialect, checks that the table has the expected columns,
 * and creates it from the shipped DDL when asked to.
 *
 * <p>Creation is safe when many nodes start at once: the DDL says {@code IF NOT EXISTS} where the
 * database knows it, and a failed {@code CREATE} is forgiven when the table is there afterwards
 * (PostgreSQL, for one, can fail a concurrent {@code CREATE TABLE IF NOT EXISTS} on its catalog's
 * unique index).
 */
final class TableSetup {

  private static final String OPERATION = "prepare the token table";
  private static final Pattern DEFAULT_NAME = Pattern.compile("\\b" + TableName.DEFAULT + "\\b");

  private TableSetup() {}

  static TokenTable prepare(DataSource dataSource, TableName table, boolean createIfMissing, int queryTimeoutSeconds) {
    Connection connection;
    try {
      connection = dataSource.getConnection();
    } catch (SQLException e) {
      throw SqlFailures.noConnection(OPERATION, table, e);
    }
    try (connection) {
      Dialect dialect = dialectOf(connection);
      TokenTable.Limits limits;
      try {
        limits = probe(connection, table, queryTimeoutSeconds);
      } catch (SQLException missing) {
        if (!createIfMissing) {
          throw SqlFailures.tableUnusable(table, dialect, missing);
        }
        create(connection, dialect, table, queryTimeoutSeconds);
        limits = probe(connection, table, queryTimeoutSeconds);
      }
      return new TokenTable(dataSource, table, dialect, limits, queryTimeoutSeconds);
    } catch (SQLException e) {
      throw SqlFailures.statementFailed(OPERATION, table, e);
    } catch (RuntimeException e) {
      if (e instanceof TokenStoreException) {
        throw e;
      }
      throw SqlFailures.unexpected(OPERATION, table, e);
    }
  }

  /** The {@code CREATE TABLE} of {@code dialect} for {@code table}, as shipped in the jar, comments removed. */
  static String ddl(Dialect dialect, TableName table) {
    String resource = dialect.ddlResource();
    try (InputStream in = TableSetup.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the class path");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(line -> !line.trim().startsWith("--"))
          .collect(Collectors.joining("\n"))
          .trim();
      return DEFAULT_NAME.matcher(text).replaceAll(Matcher.quoteReplacement(table.sql()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  private static Dialect dialectOf(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName();
    return Dialect.forProduct(product).orElseThrow(() -> new TokenStoreException("the database is " + product
        + ", which JdbcTokenStore does not support; it speaks PostgreSQL, MySQL/MariaDB and H2 (tested),"
        + " Oracle and SQL Server (untested)"));
  }

  /** Selects every column the store uses from no rows; fails if any is missing. */
  private static TokenTable.Limits probe(Connection connection, TableName table, int queryTimeoutSeconds)
      throws SQLException {
    return TokenTable.inTransaction(connection, c -> {
      try (Statement select = connection.createStatement()) {
        select.setQueryTimeout(queryTimeoutSeconds);
        try (var rows = select.executeQuery("SELECT " + TokenTable.COLUMNS + " FROM " + table.sql() + " WHERE 1 = 0")) {
          ResultSetMetaData meta = rows.getMetaData();
          return TokenTable.Limits.DDL.atMost(new TokenTable.Limits(width(meta, 3), width(meta, 4), width(meta, 8),
              width(meta, 10)));
        }
      }
    });
  }

  private static int width(ResultSetMetaData meta, int column) throws SQLException {
    int precision = meta.getPrecision(column);
    return precision > 0 ? precision : Integer.MAX_VALUE;
  }

  private static void create(Connection connection, Dialect dialect, TableName table, int queryTimeoutSeconds)
      throws SQLException {
    try {
      TokenTable.inTransaction(connection, c -> {
        try (Statement create = connection.createStatement()) {
          create.setQueryTimeout(queryTimeoutSeconds);
          create.execute(ddl(dialect, table));
        }
        return null;
      });
    } catch (SQLException e) {
      try {
        probe(connection, table, queryTimeoutSeconds);
      } catch (SQLException stillMissing) {
        e.addSuppressed(stillMissing);
        throw e;
      }
    }
  }
}
