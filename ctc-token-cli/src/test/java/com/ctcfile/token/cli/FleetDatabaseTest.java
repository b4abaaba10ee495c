package com.ctcfile.token.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.ctcfile.token.testkit.FakeCtcServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code token} and {@code status} on the databases a fleet really uses, through the drivers the
 * command bundles: PostgreSQL and MariaDB, when {@code CTC_TEST_POSTGRES_URL} /
 * {@code CTC_TEST_MARIADB_URL} (or the system properties {@code ctc.test.postgres.url} /
 * {@code ctc.test.mariadb.url}) name them, as CI sets them. Without a URL each case is skipped,
 * except when {@code CI=true}: then it fails, as the other database tests do.
 */
class FleetDatabaseTest {

  private final FakeCtcServer server = FakeCtcServer.builder().build().start();
  // a table of this test's own, so parallel runs on one database never meet
  private final String table = "ctc_cli_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  @TempDir
  Path home;

  private String url;

  @AfterEach
  void cleanUp() throws SQLException {
    server.close();
    if (url != null) {
      try (Connection connection = DriverManager.getConnection(url);
           Statement statement = connection.createStatement()) {
        statement.execute("DROP TABLE IF EXISTS " + table);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"CTC_TEST_POSTGRES_URL", "CTC_TEST_MARIADB_URL"})
  void twoCallsOnTheFleetsDatabaseFetchOnce(String variable) {
    url = databaseUrl(variable);
    Cli cli = new Cli(home).env("CTC_CLIENT_SECRET", server.clientSecret());
    String[] token = {"token", "--endpoint", server.endpoint().toString(), "--client-id", server.clientId(),
        "--jdbc-url", url, "--table", table, "--create-table"};

    Cli.Result first = cli.run(token);
    Cli.Result second = cli.run(token);
    Cli.Result status = cli.run("status", "--endpoint", server.endpoint().toString(), "--client-id",
        server.clientId(), "--jdbc-url", url, "--table", table);

    assertThat(first.status()).as(first.toString()).isZero();
    assertThat(second.out()).isEqualTo(first.out()).isEqualTo(server.currentToken().orElseThrow() + System.lineSeparator());
    assertThat(server.fetches()).isEqualTo(1);
    assertThat(status.status()).as(status.toString()).isZero();
    assertThat(status.out()).contains("version     1").contains("table " + table)
        .doesNotContain(server.currentToken().orElseThrow());
  }

  private static String databaseUrl(String variable) {
    String url = System.getProperty(variable.toLowerCase(Locale.ROOT).replace('_', '.'), System.getenv(variable));
    if (url == null || url.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(variable + " is not set but CI=true: the command must be tested on this database in CI");
      }
      Assumptions.abort(variable + " is not set; skipping (set it, or CI=true makes this a failure)");
    }
    return url;
  }
}
