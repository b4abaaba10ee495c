package com.ctcfile.token.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.testkit.FaultInjectingDataSource.Hang;
import com.ctcfile.token.testkit.FaultInjectingDataSource.StoreStatement;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fault-injecting data source on a real database (H2 in memory), with statements tagged as
 * ctc-store-jdbc tags its own.
 */
class FaultInjectingDataSourceTest {

  private static final String LEASE = "/* ctc-token-store:lease */ UPDATE t SET n = n + 1 WHERE id = 1";
  private static final String READ = "/* ctc-token-store:read */ SELECT n FROM t WHERE id = 1";

  private final String url = "jdbc:h2:mem:faults_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
  private final ExecutorService background = Executors.newCachedThreadPool();
  private FaultInjectingDataSource faults;

  @BeforeEach
  void createTable() throws SQLException {
    try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE t (id INT PRIMARY KEY, n INT NOT NULL)");
      statement.execute("INSERT INTO t VALUES (1, 0)");
    }
    faults = FaultInjectingDataSource.wrap(new Plain(url));
  }

  @AfterEach
  void dropDatabase() throws SQLException, InterruptedException {
    faults.clearFaults();
    background.shutdownNow();
    background.awaitTermination(10, TimeUnit.SECONDS);
    try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
      statement.execute("SHUTDOWN");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreStatement.class)
  void recognisesEachStoreStatementByItsLeadingComment(StoreStatement kind) {
    String tag = "/* ctc-token-store:" + kind.name().toLowerCase() + " */ SELECT 1";

    assertThat(FaultInjectingDataSource.kindOf(tag)).isEqualTo(kind);
  }

  @Test
  void statementsWithoutTheCommentAreOther() {
    assertThat(FaultInjectingDataSource.kindOf("SELECT 1")).isEqualTo(StoreStatement.OTHER);
    assertThat(FaultInjectingDataSource.kindOf("/* ctc-token-store:vacuum */ SELECT 1")).isEqualTo(StoreStatement.OTHER);
    assertThat(FaultInjectingDataSource.kindOf(null)).isEqualTo(StoreStatement.OTHER);
  }

  @Test
  void countsStatementsPerKindThroughPreparedAndPlainStatements() throws SQLException {
    try (Connection connection = faults.getConnection()) {
      update(connection, LEASE);
      assertThat(read(connection)).isEqualTo(1);
      try (Statement plain = connection.createStatement()) {
        plain.executeUpdate(LEASE);
        plain.execute("SELECT 1");
      }
    }

    assertThat(faults.statements(StoreStatement.LEASE)).isEqualTo(2);
    assertThat(faults.executed(StoreStatement.LEASE)).isEqualTo(2);
    assertThat(faults.statements(StoreStatement.READ)).isEqualTo(1);
    assertThat(faults.statements(StoreStatement.OTHER)).isEqualTo(1);
    assertThat(faults.statements(StoreStatement.PUBLISH)).isZero();
    assertThat(faults.connectionsMade()).isEqualTo(1);
    assertThat(faults.openConnections()).isZero();
  }

  @Test
  void failNextFailsBeforeTheDatabaseSeesTheStatementAndBreaksTheConnection() throws SQLException {
    faults.failNext(StoreStatement.LEASE, 1);

    try (Connection connection = faults.getConnection()) {
      assertThat(read(connection)).as("other kinds pass").isZero();
      assertThatThrownBy(() -> update(connection, LEASE)).isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08006"));
      assertThatThrownBy(() -> read(connection)).as("the connection stays broken").isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08006"));
      assertThat(connection.isValid(1)).isFalse();
    }

    try (Connection fresh = faults.getConnection()) {
      assertThat(read(fresh)).as("nothing was executed").isZero();
      update(fresh, LEASE);
      assertThat(read(fresh)).as("the fault was used once").isEqualTo(1);
    }
    assertThat(faults.statements(StoreStatement.LEASE)).isEqualTo(2);
    assertThat(faults.executed(StoreStatement.LEASE)).isEqualTo(1);
  }

  @Test
  void failNextAfterExecutingCommitsThenLosesTheReply() throws SQLException {
    faults.failNextAfterExecuting(StoreStatement.LEASE, 2);

    try (Connection autoCommit = faults.getConnection()) {
      assertThatThrownBy(() -> update(autoCommit, LEASE)).isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08006"));
    }
    try (Connection manual = faults.getConnection()) {
      manual.setAutoCommit(false);
      assertThatThrownBy(() -> update(manual, LEASE)).isInstanceOf(SQLException.class);
    }

    try (Connection other = DriverManager.getConnection(url)) {
      assertThat(read(other)).as("both updates were committed, with or without auto-commit").isEqualTo(2);
    }
    assertThat(faults.executed(StoreStatement.LEASE)).isEqualTo(2);
  }

  @Test
  void failNextWithAnSqlStateLeavesTheConnectionUsable() throws SQLException {
    faults.failNextWith(StoreStatement.LEASE, 2, "40001");

    try (Connection connection = faults.getConnection()) {
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> update(connection, LEASE)).isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("40001"));
      }
      update(connection, LEASE);
      assertThat(read(connection)).isEqualTo(1);
    }
    assertThatThrownBy(() -> faults.failNextWith(StoreStatement.LEASE, 1, "400"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> faults.failNext(StoreStatement.LEASE, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aHungStatementIgnoresItsQueryTimeoutAndGoesOnWhenReleased() throws Exception {
    Hang hang = faults.hangNext(StoreStatement.LEASE);
    Connection connection = faults.getConnection();
    CompletableFuture<Integer> updated = CompletableFuture.supplyAsync(() -> {
      try (PreparedStatement update = connection.prepareStatement(LEASE)) {
        update.setQueryTimeout(1);
        return update.executeUpdate();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }, background);

    assertThat(hang.awaitHanging(Duration.ofSeconds(10))).isTrue();
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(hang::isHanging);
    assertThat(updated).isNotDone();

    hang.release();

    assertThat(updated.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(hang.isHanging()).isFalse();
    assertThat(read(connection)).isEqualTo(1);
    connection.close();
  }

  @Test
  void aHungStatementFailsWhenItsConnectionIsAborted() throws Exception {
    assertHangEndsWith(connection -> connection.abort(Runnable::run), "aborted");
  }

  @Test
  void aHungStatementFailsWhenItsConnectionIsClosed() throws Exception {
    assertHangEndsWith(Connection::close, "closed");
  }

  @Test
  void aHungStatementFailsWhenTheOpenConnectionsBreak() throws Exception {
    assertHangEndsWith(connection -> assertThat(faults.breakOpenConnections()).isEqualTo(1), "broken");
  }

  @Test
  void aReleasedHangWhoseStatementHasNotComeLetsItPass() throws SQLException {
    Hang hang = faults.hangNext(StoreStatement.LEASE);
    hang.release();

    try (Connection connection = faults.getConnection()) {
      assertThat(update(connection, LEASE)).isEqualTo(1);
    }
  }

  @Test
  void breakOpenConnectionsBreaksOnlyThoseOpenNow() throws SQLException {
    Connection first = faults.getConnection();
    Connection second = faults.getConnection();
    second.close();

    assertThat(faults.breakOpenConnections()).isEqualTo(1);

    assertThatThrownBy(() -> read(first)).isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("08"));
    assertThat(first.isValid(1)).isFalse();
    first.close();
    assertThat(faults.openConnections()).isZero();
    try (Connection later = faults.getConnection()) {
      assertThat(read(later)).isZero();
    }
  }

  @Test
  void refuseNextConnectionsRefusesThatManyThenConnectsAgain() throws SQLException {
    faults.refuseNextConnections(2);

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(faults::getConnection).isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001"));
    }
    try (Connection connection = faults.getConnection()) {
      assertThat(read(connection)).isZero();
    }
    assertThat(faults.connectionsMade()).isEqualTo(1);
  }

  @Test
  void clearFaultsDropsQueuedFaultsAndReleasesHangs() throws SQLException {
    faults.failNext(StoreStatement.LEASE, 3);
    Hang hang = faults.hangNext(StoreStatement.READ);

    faults.clearFaults();

    try (Connection connection = faults.getConnection()) {
      assertThat(update(connection, LEASE)).isEqualTo(1);
      assertThat(read(connection)).isEqualTo(1);
    }
    assertThat(hang.isHanging()).isFalse();
  }

  @Test
  void unwrapsToItselfOrTheWrappedDataSource() throws SQLException {
    assertThat(faults.unwrap(FaultInjectingDataSource.class)).isSameAs(faults);
    assertThat(faults.isWrapperFor(Plain.class)).isTrue();
    assertThat(faults.unwrap(Plain.class)).isInstanceOf(Plain.class);
    try (Connection connection = faults.getConnection(); PreparedStatement statement = connection.prepareStatement(READ)) {
      assertThat(statement.getConnection()).isSameAs(connection);
    }
  }

  private void assertHangEndsWith(ConnectionAction end, String cause) throws Exception {
    Hang hang = faults.hangNext(StoreStatement.LEASE);
    Connection connection = faults.getConnection();
    CompletableFuture<Integer> updated = CompletableFuture.supplyAsync(() -> {
      try {
        return update(connection, LEASE);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }, background);
    assertThat(hang.awaitHanging(Duration.ofSeconds(10))).isTrue();

    end.run(connection);

    assertThat(updated).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(Exception.class)
        .havingRootCause().isInstanceOf(SQLException.class).withMessageContaining(cause)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08006"));
    connection.close();
    try (Connection other = DriverManager.getConnection(url)) {
      assertThat(read(other)).as("the hung statement never reached the database").isZero();
    }
  }

  private static int update(Connection connection, String sql) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(sql)) {
      return update.executeUpdate();
    }
  }

  private static int read(Connection connection) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(READ); ResultSet row = select.executeQuery()) {
      row.next();
      return row.getInt(1);
    }
  }

  @FunctionalInterface
  private interface ConnectionAction {
    void run(Connection connection) throws SQLException;
  }

  /** A new connection from {@link DriverManager} per call. */
  private static final class Plain implements DataSource {
    private final String url;

    Plain(String url) {
      this.url = url;
    }

    @Override
    public Connection getConnection() throws SQLException {
      return DriverManager.getConnection(url);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return DriverManager.getConnection(url, username, password);
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }
}
