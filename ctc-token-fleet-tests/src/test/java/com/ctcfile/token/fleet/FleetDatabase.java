package com.ctcfile.token.fleet;

import static org.assertj.core.api.Assertions.fail;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.tools.Server;
import org.junit.jupiter.api.Assumptions;

/**
 * The database a fleet shares, reachable over TCP from this JVM and from node processes: H2 in
 * server mode (always), PostgreSQL and MariaDB when {@code CTC_TEST_POSTGRES_URL} /
 * {@code CTC_TEST_MARIADB_URL} (or the system properties {@code ctc.test.postgres.url} /
 * {@code ctc.test.mariadb.url}) are set. Without a URL the tests of that database are skipped, unless
 * {@code CI=true}: then they fail.
 *
 * <p>Every test takes a table of its own ({@link #newTable()}), so test classes may run in parallel.
 * Thread-safe. URLs may carry a password; {@link #toString()} shows only the database's name.
 */
abstract class FleetDatabase implements AutoCloseable {

  // PostgreSQL; MariaDB and H2 1.x; H2 2.x
  private static final Set<String> MISSING_TABLE = Set.of("42P01", "42S02", "42102");
  private static final Pattern AUTHORITY = Pattern.compile("^(jdbc:[a-z0-9:]+://)([^/?;]+)(.*)$");

  private final String name;

  private FleetDatabase(String name) {
    this.name = name;
  }

  /** A fresh in-memory H2 database served by an H2 TCP server on a free loopback port of this JVM. */
  static FleetDatabase h2() {
    return new H2();
  }

  static FleetDatabase postgres() {
    return new Remote("PostgreSQL", configuredUrl("ctc.test.postgres.url", "CTC_TEST_POSTGRES_URL"), 5432);
  }

  static FleetDatabase mariadb() {
    return new Remote("MariaDB", configuredUrl("ctc.test.mariadb.url", "CTC_TEST_MARIADB_URL"), 3306);
  }

  String name() {
    return name;
  }

  /** The JDBC URL every node connects with. */
  abstract String url();

  /** Where the database listens, for a {@link TcpProxy} to forward to. */
  abstract InetSocketAddress address();

  /** {@link #url()} with its host and port replaced by {@code 127.0.0.1:port}, e.g. a proxy's. */
  String urlVia(int port) {
    Matcher parts = AUTHORITY.matcher(url());
    if (!parts.matches()) {
      throw new IllegalStateException("cannot find host and port in the " + name + " URL");
    }
    return parts.group(1) + "127.0.0.1:" + port + parts.group(3);
  }

  /** A table name no other test picks; the store creates the table at its first call. */
  String newTable() {
    return "ctc_fleet_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  void dropTable(String table) {
    execute("DROP TABLE IF EXISTS " + table);
  }

  /** A small HikariCP pool on {@code url}, as a node would have. */
  HikariDataSource pool(String url, String poolName, Duration connectionTimeout) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setPoolName(poolName);
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(connectionTimeout.toMillis());
    config.setValidationTimeout(Math.min(connectionTimeout.toMillis(), 1_000));
    return new HikariDataSource(config);
  }

  /**
   * The one row of {@code table} (each test uses one key per table); empty before the first lease.
   * Its times are comparable with each other only: how a driver maps a column without time zone onto
   * an instant is its own affair.
   */
  Optional<Row> row(String table) {
    try (Connection connection = DriverManager.getConnection(url());
        PreparedStatement select = connection.prepareStatement(
            "SELECT version, lease_owner, lease_until, fetched_at FROM " + table);
        ResultSet rows = select.executeQuery()) {
      if (!rows.next()) {
        return Optional.empty();
      }
      Row row = new Row(rows.getLong(1), rows.getString(2), rows.getTimestamp(3), rows.getTimestamp(4));
      if (rows.next()) {
        throw new IllegalStateException("table " + table + " has more than one row");
      }
      return Optional.of(row);
    } catch (SQLException e) {
      if (MISSING_TABLE.contains(String.valueOf(e.getSQLState()))) {
        return Optional.empty(); // the store has not created the table yet
      }
      throw new IllegalStateException("cannot read table " + table + " on " + name + ": SQLState "
          + e.getSQLState(), e);
    }
  }

  /** What the protocol columns of a token row say at one moment. */
  record Row(long version, String leaseOwner, Timestamp leaseUntil, Timestamp fetchedAt) {}

  /** Fails the test if the database cannot be reached. */
  void requireAvailable() {
    try (Connection connection = DriverManager.getConnection(url())) {
      connection.isValid(5);
    } catch (SQLException e) {
      fail("%s is unreachable: SQLState %s", name, e.getSQLState());
    }
  }

  void execute(String sql) {
    try (Connection connection = DriverManager.getConnection(url());
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("statement failed on " + name + ": SQLState " + e.getSQLState(), e);
    }
  }

  /** Runs {@code statements} in one transaction: other sessions see all of them or none. */
  void inTransaction(String... statements) {
    try (Connection connection = DriverManager.getConnection(url())) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        for (String sql : statements) {
          statement.execute(sql);
        }
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("transaction failed on " + name + ": SQLState " + e.getSQLState(), e);
    }
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return name;
  }

  private static String configuredUrl(String property, String variable) {
    String url = System.getProperty(property);
    if (url == null || url.isBlank() || url.startsWith("${")) {
      url = System.getenv(variable);
    }
    if (url == null || url.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("CI=true but %s is not set: the fleet must be tested on this database in CI", variable);
      }
      Assumptions.abort(variable + " is not set; skipping (set it, or CI=true makes this a failure)");
    }
    return url;
  }

  /** H2 in server mode: a TCP server of this JVM, a named in-memory database that lives until {@link #close()}. */
  private static final class H2 extends FleetDatabase {
    private final Server server;
    private final String url;

    H2() {
      super("H2");
      try {
        // -ifNotExists lets the first remote connection create the in-memory database; loopback only
        this.server = Server.createTcpServer("-tcp", "-tcpPort", "0", "-ifNotExists").start();
      } catch (SQLException e) {
        throw new IllegalStateException("cannot start the H2 TCP server", e);
      }
      String database = "fleet_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      this.url = "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/mem:" + database + ";DB_CLOSE_DELAY=-1";
    }

    @Override
    String url() {
      return url;
    }

    @Override
    InetSocketAddress address() {
      return new InetSocketAddress("127.0.0.1", server.getPort());
    }

    @Override
    public void close() {
      try {
        execute("SHUTDOWN");
      } catch (IllegalStateException ignored) {
        // the server goes next anyway
      }
      server.stop();
    }
  }

  /** A database server given by URL; this class only makes and drops tables in it. */
  private static final class Remote extends FleetDatabase {
    private final String url;
    private final int defaultPort;

    Remote(String name, String url, int defaultPort) {
      super(name);
      this.url = url;
      this.defaultPort = defaultPort;
    }

    @Override
    String url() {
      return url;
    }

    @Override
    InetSocketAddress address() {
      Matcher parts = AUTHORITY.matcher(url);
      if (!parts.matches()) {
        throw new IllegalStateException("cannot find host and port in the " + name() + " URL");
      }
      String authority = parts.group(2);
      int colon = authority.lastIndexOf(':');
      return colon < 0 || authority.endsWith("]")
          ? new InetSocketAddress(authority, defaultPort)
          : new InetSocketAddress(authority.substring(0, colon), Integer.parseInt(authority.substring(colon + 1)));
    }
  }
}
