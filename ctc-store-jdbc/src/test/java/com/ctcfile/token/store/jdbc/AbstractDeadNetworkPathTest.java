package com.ctcfile.token.store.jdbc;

import static com.ctcfile.token.store.jdbc.StoreCalls.failureOf;
import static com.ctcfile.token.store.jdbc.StoreCalls.fresh;
import static com.ctcfile.token.store.jdbc.StoreCalls.join;
import static com.ctcfile.token.store.jdbc.StoreCalls.newKey;
import static com.ctcfile.token.store.jdbc.StoreCalls.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.TokenStoreException;
import com.ctcfile.token.core.port.LeaseRequest;
import com.ctcfile.token.core.port.RenewalLease;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenKey;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

/**
 * The store on a real driver whose connection's network path goes dark mid-use: the statement's
 * socket stays open but nothing comes back, so the driver's query timeout cannot end it (PostgreSQL's
 * cancel goes over a new connection, MariaDB's query timeout is enforced by the server), and only the
 * store's watchdog does. The path is a {@link DarkNetworkPath} relay on loopback.
 */
@TestInstance(Lifecycle.PER_CLASS)
abstract class AbstractDeadNetworkPathTest {

  private TestDatabase db;
  private String schema;
  private DarkNetworkPath path;

  abstract TestDatabase database();

  @BeforeAll
  void createSchema() {
    db = database();
    db.requireAvailable();
    schema = TestDatabase.uniqueName("ctc");
    db.createSchema(schema);
  }

  @AfterAll
  void dropSchema() {
    if (db != null && schema != null) {
      db.dropSchema(schema);
    }
  }

  @BeforeEach
  void openPath() throws IOException {
    path = DarkNetworkPath.to(db.hostAndPort());
  }

  @AfterEach
  void closePath() throws IOException {
    path.close();
  }

  @Test
  void aStatementOnAConnectionWhosePathWentDarkIsAbortedAndTheStoreWorksOnceThePathIsBack() {
    DataSource dataSource = path.darkeningAfterConnecting(new DriverManagerDataSource(db.urlVia(path.hostAndPort(), schema)));
    try (JdbcTokenStore store = JdbcTokenStore.builder(dataSource).createTableIfMissing(true)
        .queryTimeout(Duration.ofSeconds(1)).build()) {
      join(store.read(newKey()));

      assertStatementAbortedThenRecovers(store, () -> { });
    }
  }

  /**
   * Through HikariCP with a single connection: the pool must drop the aborted connection, or the call
   * after the path is back would get it again and fail; and it must have dropped it before the failed
   * call returns, or a caller retrying at once would wait for a connection the pool, at
   * {@code minimumIdle} 0, never makes.
   */
  @Test
  void throughHikariThePoolDropsTheAbortedConnection() {
    try (HikariDataSource pool = db.poolOver(
        path.darkeningAfterConnecting(new DriverManagerDataSource(db.urlVia(path.hostAndPort(), schema))), 1);
        JdbcTokenStore store = JdbcTokenStore.builder(pool).createTableIfMissing(true)
            .queryTimeout(Duration.ofSeconds(1)).build()) {
      join(store.read(newKey()));
      pool.getHikariPoolMXBean().softEvictConnections();

      // the call fails only once its connection is back, so the pool dropped it before the caller hears
      assertStatementAbortedThenRecovers(store, () -> assertThat(pool.getHikariPoolMXBean().getTotalConnections())
          .as("connections in the pool as the call fails").isZero());

      assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(1);
    }
  }

  /** Darkens the next connection's path, leases on it, lights the path, checks {@code afterAbort}, then works on. */
  private void assertStatementAbortedThenRecovers(JdbcTokenStore store, Runnable afterAbort) {
    TokenKey key = newKey();
    path.darkenAfterNextConnection();

    Throwable failure = failureOf(store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30))));

    assertThat(failure).isInstanceOf(TokenStoreException.class)
        .hasMessageContaining("lease the token of " + key)
        .hasMessageContaining("did not answer within 1 s (the query timeout) plus 2 s")
        .hasMessageContaining("aborted the connection");
    path.light();
    afterAbort.run();
    assertThat(join(store.read(key))).as("the lease statement never reached the database").isEmpty();
    RenewalLease lease = join(store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30))))
        .orElseThrow();
    assertThat(join(store.publish(lease, fresh(token(64)))).map(StoredToken::version)).contains(1L);
  }
}
