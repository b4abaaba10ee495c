package com.ctcfile.token.store.jdbc;

import static org.assertj.core.api.Assertions.fail;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;

/**
 * One database the store is tested on: how to reach it, how to make a schema of one's own in it, and
 * the few statements the tests need that each database spells differently.
 *
 * <p>PostgreSQL and MariaDB are given by URL ({@code CTC_TEST_POSTGRES_URL} / {@code
 * CTC_TEST_MARIADB_URL}, or the system properties {@code ctc.test.postgres.url} /
 * {@code ctc.test.mariadb.url}). Without a URL their tests are skipped, except when {@code CI=true}:
 * then they fail, as they do whenever a given database cannot be reached.
 */
abstract class TestDatabase {

  private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
  private static final Pattern HOST = Pattern.compile("^(jdbc:(?:postgresql|mariadb|mysql)://)([^/?]+)(.*)$");

  final String name;
  final String url;

  private TestDatabase(String name, String url) {
    this.name = name;
    this.url = url;
  }

  /** A private in-memory H2 database, alive until {@link #shutdown()}. */
  static TestDatabase h2() {
    return new H2("jdbc:h2:mem:" + uniqueName("ctc") + ";DB_CLOSE_DELAY=-1");
  }

  static TestDatabase postgres() {
    return new Postgres(configuredUrl("ctc.test.postgres.url", "CTC_TEST_POSTGRES_URL"));
  }

  static TestDatabase mariadb() {
    return new MariaDb(configuredUrl("ctc.test.mariadb.url", "CTC_TEST_MARIADB_URL"));
  }

  /** A lower-case identifier no parallel test run will pick. */
  static String uniqueName(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  private static String configuredUrl(String property, String variable) {
    String url = System.getProperty(property);
    if (url == null || url.isBlank() || url.startsWith("${")) {
      url = System.getenv(variable);
    }
    if (url == null || url.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("CI=true but %s is not set: the JDBC store must be tested on this database in CI", variable);
      }
      Assumptions.abort(variable + " is not set; skipping (set it, or CI=true makes this a failure)");
    }
    return url;
  }

  /** Fails the test class if the database cannot be reached. */
  void requireAvailable() {
    try (Connection connection = DriverManager.getConnection(url)) {
      connection.isValid(5);
    } catch (SQLException e) {
      fail("%s at %s is unreachable: %s", name, PASSWORD.matcher(url).replaceAll("$1***"), e.getMessage());
    }
  }

  /** Runs statements on a connection of the base URL. */
  void execute(String... statements) {
    try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("test setup failed on " + name + ": " + e.getMessage(), e);
    }
  }

  /** The dialect the store should detect. */
  abstract Dialect dialect();

  /** A URL whose connections use {@code schema} for unqualified names; the base URL for {@code null}. */
  abstract String urlIn(String schema);

  /**
   * Like {@link #urlIn}, with the session's time zone set to {@code offset} (e.g. {@code +13:00}) where
   * the URL can say so; PostgreSQL's driver takes the JVM's default time zone instead.
   */
  abstract String urlIn(String schema, String offset);

  abstract void createSchema(String schema);

  abstract void dropSchema(String schema);

  /** A BEFORE UPDATE trigger that fails with the row's token in its message, as databases may echo values. */
  abstract void installEchoingTrigger(String schema, String table);

  void shutdown() {}

  /** The statement that moves the database's idea of a row's times back, as if its clock had jumped ahead. */
  String shiftBack(String table, String column, int seconds) {
    return "UPDATE " + table + " SET " + column + " = " + column + " - INTERVAL '" + seconds + "' SECOND WHERE token_key = ?";
  }

  /** The database clock's now plus (or minus) {@code micros} microseconds, read once per statement like the store's. */
  abstract String nowPlusMicros(int micros);

  /** A plain DataSource with unqualified names in {@code schema}. */
  DataSource plain(String schema) {
    return new DriverManagerDataSource(urlIn(schema));
  }

  /** A HikariCP pool; {@code autoCommit=false} and SERIALIZABLE for the strictest variant. */
  HikariDataSource pool(String schema, boolean autoCommit, String isolation) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(schema == null ? url : urlIn(schema));
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(0);
    config.setAutoCommit(autoCommit);
    if (isolation != null) {
      config.setTransactionIsolation(isolation);
    }
    config.setPoolName(uniqueName("ctc-test-pool"));
    config.setConnectionTimeout(10_000);
    return new HikariDataSource(config);
  }

  /** A HikariCP pool of at most {@code size} connections, all made by {@code dataSource}. */
  HikariDataSource poolOver(DataSource dataSource, int size) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(dataSource);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(0);
    config.setPoolName(uniqueName("ctc-test-pool"));
    config.setConnectionTimeout(10_000);
    return new HikariDataSource(config);
  }

  /** A URL of this database's kind on which nothing listens. */
  abstract String deadUrl();

  /** The {@code host:port} of a database reached over the network. */
  String hostAndPort() {
    Matcher parts = HOST.matcher(url);
    if (!parts.matches()) {
      throw new IllegalStateException(name + " is not reached over the network: " + url);
    }
    return parts.group(2);
  }

  /** Like {@link #urlIn(String)}, through {@code hostAndPort} instead of the database's own address. */
  String urlVia(String hostAndPort, String schema) {
    Matcher parts = HOST.matcher(urlIn(schema));
    if (!parts.matches()) {
      throw new IllegalStateException(name + " is not reached over the network: " + url);
    }
    return parts.group(1) + hostAndPort + parts.group(3);
  }

  @Override
  public String toString() {
    return name;
  }

  private static final class H2 extends TestDatabase {
    H2(String url) {
      super("H2", url);
    }

    @Override
    String nowPlusMicros(int micros) {
      return "DATEADD(MICROSECOND, " + micros + ", CURRENT_TIMESTAMP)";
    }

    @Override
    Dialect dialect() {
      return Dialect.H2;
    }

    @Override
    String urlIn(String schema) {
      return url + ";SCHEMA=" + schema.toUpperCase(Locale.ROOT);
    }

    @Override
    String urlIn(String schema, String offset) {
      return urlIn(schema) + ";TIME ZONE=" + offset;
    }

    @Override
    void createSchema(String schema) {
      execute("CREATE SCHEMA " + schema);
    }

    @Override
    void dropSchema(String schema) {
      execute("DROP SCHEMA " + schema + " CASCADE");
    }

    @Override
    void installEchoingTrigger(String schema, String table) {
      execute("CREATE TRIGGER " + schema + ".echo_token BEFORE UPDATE ON " + table
          + " FOR EACH ROW CALL '" + EchoingH2Trigger.class.getName() + "'");
    }

    @Override
    void shutdown() {
      execute("SHUTDOWN");
    }

    @Override
    String deadUrl() {
      return "jdbc:h2:mem:" + uniqueName("absent") + ";IFEXISTS=TRUE";
    }
  }

  private static final class Postgres extends TestDatabase {
    Postgres(String url) {
      super("PostgreSQL", url);
    }

    @Override
    String nowPlusMicros(int micros) {
      return "(statement_timestamp() + INTERVAL '" + micros + " microseconds')";
    }

    @Override
    Dialect dialect() {
      return Dialect.POSTGRESQL;
    }

    @Override
    String urlIn(String schema) {
      return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Override
    String urlIn(String schema, String offset) {
      // the driver sends the JVM's default time zone as the session's; the tests set that one
      return urlIn(schema);
    }

    @Override
    void createSchema(String schema) {
      execute("CREATE SCHEMA " + schema);
    }

    @Override
    void dropSchema(String schema) {
      execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    @Override
    void installEchoingTrigger(String schema, String table) {
      execute("CREATE FUNCTION " + schema + ".echo_token() RETURNS trigger LANGUAGE plpgsql AS"
              + " $$ BEGIN IF NEW.token IS NOT NULL THEN RAISE EXCEPTION 'rejected token %', NEW.token USING ERRCODE = '45000';"
              + " END IF;"
              + " RETURN NEW; END $$",
          "CREATE TRIGGER echo_token BEFORE UPDATE ON " + table + " FOR EACH ROW EXECUTE FUNCTION "
              + schema + ".echo_token()");
    }

    @Override
    String deadUrl() {
      return "jdbc:postgresql://127.0.0.1:1/test?user=postgres&connectTimeout=2";
    }
  }

  private static final class MariaDb extends TestDatabase {
    private static final Pattern DATABASE = Pattern.compile("^(jdbc:[a-z]+://[^/?]+/)([^?]*)(.*)$");

    MariaDb(String url) {
      super("MariaDB", url);
    }

    @Override
    String nowPlusMicros(int micros) {
      return "TIMESTAMPADD(MICROSECOND, " + micros + ", UTC_TIMESTAMP(3))";
    }

    @Override
    Dialect dialect() {
      return Dialect.MYSQL;
    }

    @Override
    String urlIn(String schema) {
      Matcher parts = DATABASE.matcher(url);
      if (!parts.matches()) {
        throw new IllegalArgumentException("cannot find the database in the MariaDB URL");
      }
      return parts.group(1) + schema + parts.group(3);
    }

    @Override
    String urlIn(String schema, String offset) {
      String in = urlIn(schema);
      return in + (in.contains("?") ? "&" : "?") + "sessionVariables=time_zone='" + offset + "'";
    }

    @Override
    void createSchema(String schema) {
      execute("CREATE DATABASE " + schema);
    }

    @Override
    void dropSchema(String schema) {
      execute("DROP DATABASE IF EXISTS " + schema);
    }

    @Override
    void installEchoingTrigger(String schema, String table) {
      execute("CREATE TRIGGER " + schema + ".echo_token BEFORE UPDATE ON " + table + " FOR EACH ROW BEGIN"
          + " DECLARE message VARCHAR(128); IF NEW.token IS NOT NULL THEN"
          + " SET message = CONCAT('rejected token ', NEW.token); SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = message;"
          + " END IF; END");
    }

    @Override
    String deadUrl() {
      return "jdbc:mariadb://127.0.0.1:1/test?user=root&connectTimeout=2000";
    }
  }
}
