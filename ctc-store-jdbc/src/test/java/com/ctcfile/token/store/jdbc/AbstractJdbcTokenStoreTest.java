package com.ctcfile.token.store.jdbc;

import static com.ctcfile.token.store.jdbc.StoreCalls.failureOf;
import static com.ctcfile.token.store.jdbc.StoreCalls.fresh;
import static com.ctcfile.token.store.jdbc.StoreCalls.join;
import static com.ctcfile.token.store.jdbc.StoreCalls.newKey;
import static com.ctcfile.token.store.jdbc.StoreCalls.texts;
import static com.ctcfile.token.store.jdbc.StoreCalls.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.TokenStoreException;
import com.ctcfile.token.core.port.FetchFailure;
import com.ctcfile.token.core.port.LeaseRequest;
import com.ctcfile.token.core.port.RenewalLease;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.core.port.TokenStore;
import com.ctcfile.token.testkit.FaultInjectingDataSource;
import com.ctcfile.token.testkit.FaultInjectingDataSource.Hang;
import com.ctcfile.token.testkit.FaultInjectingDataSource.StoreStatement;
import com.ctcfile.token.testkit.TokenStoreContractTest;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

/**
 * Everything the JDBC store must do on one database: the whole {@link TokenStoreContractTest} in
 * each configuration a user may pick ({@code @Nested}), and what only a database can show (DDL,
 * column widths, driver messages, the database clock, threads). One concrete subclass per database.
 *
 * <p>Every test class works in a schema of its own with a random name, dropped afterwards, so runs
 * in parallel against one server do not meet. Statements that fail, hang or are cancelled are made so
 * by the testkit's {@link FaultInjectingDataSource}; a real dead socket under the real drivers is
 * {@link AbstractDeadNetworkPathTest}'s.
 */
@TestInstance(Lifecycle.PER_CLASS)
abstract class AbstractJdbcTokenStoreTest {

  private static final Set<String> COLUMNS = Set.of("token_key", "version", "token", "token_type", "expires_at",
      "lifetime_seconds", "fetched_at", "lease_owner", "lease_id", "lease_until", "last_error", "next_attempt_at",
      "settle_until", "rejection_fetch_at");
  private static final Duration TOLERANCE = Duration.ofSeconds(2);

  TestDatabase db;
  String schema;
  private final List<TokenStore> stores = new ArrayList<>();

  /** The database under test; may skip or fail the class when it is not configured. */
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
      db.shutdown();
    }
  }

  @AfterEach
  void closeStores() {
    stores.forEach(TokenStore::close);
    stores.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // the contract, in each configuration

  /** A plain DataSource (a new auto-committing connection per call) and the default table name. */
  @Nested
  @TestInstance(Lifecycle.PER_CLASS)
  class PlainDataSourceAndDefaultTable extends TokenStoreContractTest {
    private final DataSource dataSource = db.plain(schema);

    @Override
    protected TokenStore createStore() {
      return JdbcTokenStore.builder(dataSource).createTableIfMissing(true).build();
    }
  }

  /** A HikariCP pool (auto-commit) and a schema-qualified table of the user's naming. */
  @Nested
  @TestInstance(Lifecycle.PER_CLASS)
  class HikariPoolAndSchemaQualifiedTable extends TokenStoreContractTest {
    private HikariDataSource pool;
    private final String table = schema + "." + TestDatabase.uniqueName("tokens");

    @BeforeAll
    void openPool() {
      pool = db.pool(null, true, null);
    }

    @AfterAll
    void closePool() {
      pool.close();
    }

    @Override
    protected TokenStore createStore() {
      return JdbcTokenStore.builder(pool).tableName(table).createTableIfMissing(true).build();
    }
  }

  /**
   * The strictest setting: a pool without auto-commit at SERIALIZABLE, on a table the user created
   * from the shipped DDL (the store creates nothing).
   */
  @Nested
  @TestInstance(Lifecycle.PER_CLASS)
  class HikariSerializableWithoutAutoCommitAndOwnTable extends TokenStoreContractTest {
    private HikariDataSource pool;
    private final String table = TestDatabase.uniqueName("serial_tokens");

    @BeforeAll
    void openPoolAndCreateTable() {
      db.execute(TableSetup.ddl(db.dialect(), TableName.of(schema + "." + table)));
      pool = db.pool(schema, false, "TRANSACTION_SERIALIZABLE");
    }

    @AfterAll
    void closePool() {
      pool.close();
    }

    @Override
    protected TokenStore createStore() {
      return JdbcTokenStore.builder(pool).tableName(table).build();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // schema

  @Test
  void createTableIfMissingIsIdempotentAndSafeWhenNodesStartTogether() throws Exception {
    String table = schema + "." + TestDatabase.uniqueName("created");
    int nodes = 6;
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Optional<StoredToken>>> reads = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      JdbcTokenStore store = store(JdbcTokenStore.builder(db.plain(schema)).tableName(table).createTableIfMissing(true));
      CompletableFuture<Optional<StoredToken>> read = new CompletableFuture<>();
      reads.add(read);
      Thread node = new Thread(() -> {
        try {
          start.await();
          store.read(newKey()).whenComplete((row, error) -> {
            if (error != null) {
              read.completeExceptionally(error);
            } else {
              read.complete(row);
            }
          });
        } catch (InterruptedException e) {
          read.completeExceptionally(e);
        }
      });
      node.start();
    }
    start.countDown();

    for (CompletableFuture<Optional<StoredToken>> read : reads) {
      assertThat(join(read)).isEmpty();
    }
    JdbcTokenStore later = store(JdbcTokenStore.builder(db.plain(schema)).tableName(table).createTableIfMissing(true));
    assertThat(join(later.read(newKey()))).as("a node starting on the existing table").isEmpty();
    assertThat(columnsOf(table)).containsExactlyInAnyOrderElementsOf(COLUMNS);
    String ddl = TableSetup.ddl(db.dialect(), TableName.of(table));
    db.execute(ddl, ddl);
  }

  @Test
  void missingTableFailsEveryCallWithAHintAndBuildingTouchesNoDatabase() {
    String table = schema + "." + TestDatabase.uniqueName("absent");
    ObservedDataSource dataSource = new ObservedDataSource(db.plain(schema), "observed");
    JdbcTokenStore store = store(JdbcTokenStore.builder(dataSource).tableName(table));
    assertThat(dataSource.connections()).as("connections made by build()").isZero();

    Throwable failure = failureOf(store.read(newKey()));

    assertThat(failure).isInstanceOf(TokenStoreException.class)
        .hasMessageContaining(table)
        .hasMessageContaining("createTableIfMissing(true)")
        .hasMessageContaining(db.dialect().ddlResource());
    assertThat(columnsOf(table)).as("nothing was created").isEmpty();

    db.execute(TableSetup.ddl(db.dialect(), TableName.of(table)));
    assertThat(join(store.read(newKey()))).as("the same store, once the table exists").isEmpty();
  }

  @Test
  void tableInASchemaThatDoesNotExistGetsTheSameHint() {
    String table = TestDatabase.uniqueName("nosuchschema") + ".tokens";
    JdbcTokenStore store = store(JdbcTokenStore.builder(db.plain(schema)).tableName(table));

    assertThat(failureOf(store.read(newKey()))).isInstanceOf(TokenStoreException.class)
        .hasMessageContaining(table)
        .hasMessageContaining(db.dialect().ddlResource())
        .hasMessageContaining("createTableIfMissing(true)");
  }

  @Test
  void rowHoldsExactlyTheDocumentedColumnsAndNothingElse() throws SQLException {
    String table = schema + "." + TestDatabase.uniqueName("columns");
    JdbcTokenStore store = store(JdbcTokenStore.builder(db.plain(schema)).tableName(table).createTableIfMissing(true));
    TokenKey key = newKey();
    String token = token(1024);
    RenewalLease lease = join(store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30)))).orElseThrow();
    Map<String, Object> leased = rawRow(table, key);
    assertThat(leased.get("lease_owner")).isEqualTo("node-a");
    assertThat(leased.get("lease_id")).as("the grant's id, the lease's credential").isEqualTo(lease.id());
    join(store.publish(lease, fresh(token)));

    Map<String, Object> row = rawRow(table, key);

    assertThat(row.keySet()).as("columns").containsExactlyInAnyOrderElementsOf(COLUMNS);
    assertThat(row.get("token_key")).isEqualTo(key.id());
    assertThat(((Number) row.get("version")).longValue()).isEqualTo(1);
    assertThat(row.get("token")).as("a token of the full 1024 characters").isEqualTo(token);
    assertThat(row.get("token_type")).isEqualTo("Bearer");
    assertThat(((Number) row.get("lifetime_seconds")).longValue()).isEqualTo(3600);
    assertThat(row.get("expires_at")).isNotNull();
    assertThat(row.get("fetched_at")).isNotNull();
    assertThat(row.get("lease_owner")).isNull();
    assertThat(row.get("lease_until")).isNull();
    assertThat(row.get("last_error")).isNull();
    assertThat(row.get("next_attempt_at")).isNull();
    assertThat(row.get("lease_id")).isNull();
    assertThat(row.get("settle_until")).isNull();
    assertThat(row.get("rejection_fetch_at")).isNull();
  }

  @Test
  void tokenLongerThanTheColumnFailsBeforeAnyWriteAndTheRowKeepsItsToken() {
    String table = TestDatabase.uniqueName("narrow");
    db.execute(TableSetup.ddl(db.dialect(), TableName.of(schema + "." + table)).replace("VARCHAR(1024)", "VARCHAR(100)"));
    JdbcTokenStore store = store(JdbcTokenStore.builder(db.plain(schema)).tableName(table));
    TokenKey key = newKey();
    String kept = token(100);
    join(store.publish(join(store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30)))).orElseThrow(), fresh(kept)));
    RenewalLease lease = join(store.tryLease(LeaseRequest.scheduled(key, 1, "node-a", Duration.ofSeconds(30)))).orElseThrow();
    String tooLong = token(101);

    Throwable failure = failureOf(store.publish(lease, fresh(tooLong)));

    assertThat(failure).isInstanceOf(TokenStoreException.class)
        .hasMessageContaining("101 characters")
        .hasMessageContaining("holds at most 100")
        .hasMessageContaining(table);
    assertThat(texts(failure)).noneMatch(text -> text.contains(tooLong.substring(0, 40)));
    StoredToken row = join(store.read(key)).orElseThrow();
    assertThat(row.version()).isEqualTo(1);
    assertThat(row.value()).contains(kept);
    assertThat(row.leaseOwner()).as("nothing was written, not even the lease release").contains("node-a");
    assertThat(join(store.publish(lease, fresh(token(100)))).map(StoredToken::version)).contains(2L);
  }

  @Test
  void leaseOwnerLongerThanTheColumnFailsAndErrorCodesAreCutToTheirColumn() {
    JdbcTokenStore store = store(JdbcTokenStore.builder(db.plain(schema)).createTableIfMissing(true));
    TokenKey key = newKey();

    assertThat(failureOf(store.tryLease(LeaseRequest.scheduled(key, 0, "n".repeat(129), Duration.ofSeconds(30)))))
        .isInstanceOf(TokenStoreException.class).hasMessageContaining("lease_owner");
    assertThat(join(store.read(key))).isEmpty();

    RenewalLease lease = join(store.tryLease(LeaseRequest.scheduled(key, 0, "n".repeat(128), Duration.ofSeconds(30)))).orElseThrow();
    join(store.releaseAfterFailure(lease, FetchFailure.known("e".repeat(100), Duration.ofSeconds(5))));
    assertThat(join(store.read(key)).orElseThrow().lastError()).contains("e".repeat(64));
  }

  // ---------------------------------------------------------------------------------------------
  // column types

  @Test
  void refusesATableWhoseTimeColumnDependsOnTheSessionsTimeZone() {
    String table = TestDatabase.uniqueName("zoneless");
    String ddl = TableSetup.ddl(db.dialect(), TableName.of(schema + "." + table));
    db.execute(ddl.replaceFirst("(?m)^(\\s*lease_until\\s+)\\S+( WITH TIME ZONE)?", "$1TIMESTAMP(3)"));
    JdbcTokenStore store = store(JdbcTokenStore.builder(db.plain(schema)).tableName(table).createTableIfMissing(true));
    TokenKey key = newKey();

    Throwable failure = failureOf(store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30))));

    assertThat(failure).isInstanceOf(TokenStoreException.class)
        .hasMessageContaining(table)
        .hasMessageContaining("column lease_until is")
        .hasMessageContaining("expected " + db.dialect().instantType())
        .hasMessageContaining("two could hold one at once")
        .hasMessageContaining(db.dialect().ddlResource());
    assertThat(failure.getMessage().toLowerCase(Locale.ROOT)).contains("lease_until is timestamp,");
    assertThat(rowCount(schema + "." + table)).as("nothing was written").isZero();
  }

  @Test
  void refusesATableWhoseVersionIsNoWholeNumber() {
    String table = TestDatabase.uniqueName("textversion");
    String ddl = TableSetup.ddl(db.dialect(), TableName.of(schema + "." + table));
    db.execute(ddl.replaceFirst("(?m)^(\\s*version\\s+)BIGINT", "$1VARCHAR(20)"));
    JdbcTokenStore store = store(JdbcTokenStore.builder(db.plain(schema)).tableName(table));

    assertThat(failureOf(store.read(newKey()))).isInstanceOf(TokenStoreException.class)
        .hasMessageContaining("column version is")
        .hasMessageContaining("expected BIGINT")
        .hasMessageContaining(db.dialect().ddlResource());
  }

  @Test
  void refusesALeaseIdColumnTooNarrowForTheIds() {
    String table = TestDatabase.uniqueName("narrowid");
    String ddl = TableSetup.ddl(db.dialect(), TableName.of(schema + "." + table));
    db.execute(ddl.replaceFirst("(?m)^(\\s*lease_id\\s+)VARCHAR\\(64\\)", "$1VARCHAR(16)"));
    JdbcTokenStore store = store(JdbcTokenStore.builder(db.plain(schema)).tableName(table));

    assertThat(failureOf(store.read(newKey()))).isInstanceOf(TokenStoreException.class)
        .hasMessageContaining("column lease_id holds 16 characters, but lease ids are 32 long");
  }

  // ---------------------------------------------------------------------------------------------
  // upgrade of a table created by the earlier DDL

  @Test
  void aTableOfTheEarlierDdlGetsTheNewColumnsWhenTheStoreMayCreateAndKeepsItsToken() throws SQLException {
    String table = schema + "." + TestDatabase.uniqueName("old");
    db.execute(previousDdl(table));
    TokenKey key = newKey();
    String oldToken = token(200);
    insertAsTheEarlierVersionDid(table, key, oldToken);
    JdbcTokenStore store = store(JdbcTokenStore.builder(db.plain(schema)).tableName(table).createTableIfMissing(true));

    StoredToken row = join(store.read(key)).orElseThrow();

    assertThat(columnsOf(table)).containsExactlyInAnyOrderElementsOf(COLUMNS);
    assertThat(row.version()).isEqualTo(3);
    assertThat(row.value()).contains(oldToken);
    assertAbout(row.expiresIn(), Duration.ofSeconds(3000));
    assertAbout(row.fetchedAgo(), Duration.ZERO);
    assertThat(row.isSettling()).isFalse();
    assertThat(row.rejectionFetchAgo()).isEmpty();
    RenewalLease lease = join(store.tryLease(LeaseRequest.afterRejection(key, 3, "node-a", Duration.ofSeconds(30),
        Duration.ofSeconds(10)))).orElseThrow();
    assertThat(join(store.publish(lease, fresh(token(64)))).map(StoredToken::version)).contains(4L);
    assertThat(join(store.read(key)).orElseThrow().rejectionFetchAgo()).isPresent();
  }

  @Test
  void nodesUpgradingATableOfTheEarlierDdlAtOnceAllSucceed() throws Exception {
    String table = schema + "." + TestDatabase.uniqueName("oldrace");
    db.execute(previousDdl(table));
    int nodes = 5;
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Optional<StoredToken>>> reads = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      JdbcTokenStore store = store(JdbcTokenStore.builder(db.plain(schema)).tableName(table).createTableIfMissing(true));
      CompletableFuture<Optional<StoredToken>> read = new CompletableFuture<>();
      reads.add(read);
      new Thread(() -> {
        try {
          start.await();
          store.read(newKey()).whenComplete((row, error) -> {
            if (error != null) {
              read.completeExceptionally(error);
            } else {
              read.complete(row);
            }
          });
        } catch (InterruptedException e) {
          read.completeExceptionally(e);
        }
      }).start();
    }
    start.countDown();

    for (CompletableFuture<Optional<StoredToken>> read : reads) {
      assertThat(join(read)).isEmpty();
    }
    assertThat(columnsOf(table)).containsExactlyInAnyOrderElementsOf(COLUMNS);
  }

  @Test
  void aTableOfTheEarlierDdlWithoutCreateTableIfMissingFailsNamingTheColumnsAndTheStatementsToRun() {
    String table = schema + "." + TestDatabase.uniqueName("oldstrict");
    db.execute(previousDdl(table));
    JdbcTokenStore store = store(JdbcTokenStore.builder(db.plain(schema)).tableName(table));
    List<String> alters = List.copyOf(TableSetup.upgrade(db.dialect(), TableName.of(table)).values());
    assertThat(alters).hasSize(3);

    Throwable failure = failureOf(store.read(newKey()));

    assertThat(failure).isInstanceOf(TokenStoreException.class)
        .hasMessageContaining(table)
        .hasMessageContaining("lease_id, settle_until, rejection_fetch_at")
        .hasMessageContaining(db.dialect().upgradeResource())
        .hasMessageContaining("createTableIfMissing(true)");
    for (String alter : alters) {
      assertThat(failure).hasMessageContaining(alter);
    }
    assertThat(columnsOf(table)).as("nothing was altered").hasSize(COLUMNS.size() - 3);

    db.execute(alters.toArray(String[]::new));
    assertThat(join(store.read(newKey()))).as("the same store, once the shipped statements ran").isEmpty();
  }

  @Test
  void aTableLackingAColumnEveryVersionHasIsRefusedEvenWhenTheStoreMayCreate() {
    String table = TestDatabase.uniqueName("notours");
    String ddl = TableSetup.ddl(db.dialect(), TableName.of(schema + "." + table));
    db.execute(ddl.replaceFirst("(?m)^\\s*token_type\\s+[^\\n]*\\n", ""));
    JdbcTokenStore store = store(JdbcTokenStore.builder(db.plain(schema)).tableName(table).createTableIfMissing(true));

    assertThat(failureOf(store.read(newKey()))).isInstanceOf(TokenStoreException.class)
        .hasMessageContaining("lacks the columns token_type")
        .hasMessageContaining(db.dialect().ddlResource());
  }

  // ---------------------------------------------------------------------------------------------
  // statements that fail, hang or are cancelled (FaultInjectingDataSource)

  @Test
  void everyStatementOfTheStoreIsToldApartByItsKind() {
    FaultInjectingDataSource faults = FaultInjectingDataSource.wrap(db.plain(schema));
    JdbcTokenStore store = store(JdbcTokenStore.builder(faults).createTableIfMissing(true));
    TokenKey key = newKey();

    join(store.read(key));
    RenewalLease first = join(store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30)))).orElseThrow();
    join(store.releaseAfterFailure(first, FetchFailure.known("transport:503", Duration.ZERO)));
    RenewalLease second = join(store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30)))).orElseThrow();
    join(store.publish(second, fresh(token(64))));

    assertThat(faults.statements(StoreStatement.SETUP)).isPositive();
    assertThat(faults.statements(StoreStatement.READ)).isEqualTo(1);
    assertThat(faults.statements(StoreStatement.LEASE)).as("update then insert, then update").isEqualTo(3);
    assertThat(faults.statements(StoreStatement.RELEASE)).isEqualTo(1);
    assertThat(faults.statements(StoreStatement.PUBLISH)).isEqualTo(1);
    assertThat(faults.statements(StoreStatement.OTHER)).isZero();
  }

  @Test
  void aPublishCommittedButUnansweredFailsAndTheRowHoldsItsToken() {
    FaultInjectingDataSource faults = FaultInjectingDataSource.wrap(db.plain(schema));
    JdbcTokenStore store = store(JdbcTokenStore.builder(faults).createTableIfMissing(true));
    TokenKey key = newKey();
    RenewalLease lease = join(store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30)))).orElseThrow();
    String token = token(64);
    faults.failNextAfterExecuting(StoreStatement.PUBLISH, 1);

    Throwable failure = failureOf(store.publish(lease, fresh(token)));

    assertThat(failure).isInstanceOf(TokenStoreException.class).hasMessageContaining("publish version 1")
        .hasMessageContaining("SQLState 08006").hasCauseInstanceOf(SQLException.class);
    StoredToken row = join(store.read(key)).orElseThrow();
    assertThat(row.version()).isEqualTo(1);
    assertThat(row.value()).contains(token);
    assertThat(join(store.publish(lease, fresh(token(64))))).as("the lease was used up").isEmpty();
  }

  @Test
  void aLeaseThatFailsBeforeReachingTheDatabaseGrantsNothingAndTheNextOneWorks() {
    FaultInjectingDataSource faults = FaultInjectingDataSource.wrap(db.plain(schema));
    JdbcTokenStore store = store(JdbcTokenStore.builder(faults).createTableIfMissing(true));
    TokenKey key = newKey();
    faults.failNext(StoreStatement.LEASE, 1);

    assertThat(failureOf(store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30)))))
        .isInstanceOf(TokenStoreException.class).hasMessageContaining("lease the token of " + key);

    assertThat(join(store.read(key))).isEmpty();
    assertThat(join(store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30))))).isPresent();
  }

  @Test
  void serializationFailuresAreRetried() {
    FaultInjectingDataSource faults = FaultInjectingDataSource.wrap(db.plain(schema));
    JdbcTokenStore store = store(JdbcTokenStore.builder(faults).createTableIfMissing(true));
    TokenKey key = newKey();
    join(store.publish(join(store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30)))).orElseThrow(),
        fresh(token(64))));
    int before = faults.statements(StoreStatement.LEASE);
    faults.failNextWith(StoreStatement.LEASE, 3, "40001");

    assertThat(join(store.tryLease(LeaseRequest.scheduled(key, 1, "node-a", Duration.ofSeconds(30))))).isPresent();

    assertThat(faults.statements(StoreStatement.LEASE) - before).as("three failed attempts and the one that worked").isEqualTo(4);
  }

  @Test
  void aStatementHangingOnADeadConnectionIsAbortedAfterItsQueryTimeoutAndTheStoreGoesOn() {
    FaultInjectingDataSource faults = FaultInjectingDataSource.wrap(db.plain(schema));
    JdbcTokenStore store = store(JdbcTokenStore.builder(faults).createTableIfMissing(true).queryTimeout(Duration.ofSeconds(1)));
    TokenKey key = newKey();
    join(store.read(key));
    Hang hang = faults.hangNext(StoreStatement.LEASE);

    Throwable failure = failureOf(store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30))));

    assertThat(failure).isInstanceOf(TokenStoreException.class)
        .hasMessageContaining("could not lease the token of " + key)
        .hasMessageContaining("did not answer within 1 s (the query timeout) plus 2 s")
        .hasMessageContaining("aborted the connection");
    assertThat(hang.isHanging()).as("the abort ended the hang").isFalse();
    assertThat(faults.executed(StoreStatement.LEASE)).isZero();
    assertThat(join(store.read(key))).isEmpty();
    RenewalLease lease = join(store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30)))).orElseThrow();
    assertThat(join(store.publish(lease, fresh(token(64)))).map(StoredToken::version)).contains(1L);
  }

  /** A pool of one connection: unless the pool drops the aborted connection, the next call gets it again and fails. */
  @Test
  void throughHikariTheAbortedConnectionIsDroppedFromThePool() {
    FaultInjectingDataSource faults = FaultInjectingDataSource.wrap(db.plain(schema));
    try (HikariDataSource pool = db.poolOver(faults, 1)) {
      JdbcTokenStore store = store(JdbcTokenStore.builder(pool).createTableIfMissing(true).queryTimeout(Duration.ofSeconds(1)));
      TokenKey key = newKey();
      join(store.read(key));
      int made = faults.connectionsMade();
      Hang hang = faults.hangNext(StoreStatement.READ);

      assertThat(failureOf(store.read(key))).isInstanceOf(TokenStoreException.class)
          .hasMessageContaining("did not answer within 1 s");

      assertThat(hang.isHanging()).isFalse();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(faults.openConnections())
          .as("the pool closed the aborted connection").isZero());
      assertThat(join(store.read(key))).isEmpty();
      assertThat(faults.connectionsMade()).as("a new connection for the call after").isEqualTo(made + 1);
    }
  }

  @Test
  void aCancelledCallWhoseStatementRunsHasItsConnectionAborted() {
    FaultInjectingDataSource faults = FaultInjectingDataSource.wrap(db.plain(schema));
    JdbcTokenStore store = store(JdbcTokenStore.builder(faults).createTableIfMissing(true).queryTimeout(Duration.ofMinutes(10)));
    TokenKey key = newKey();
    join(store.read(key));
    Hang hang = faults.hangNext(StoreStatement.LEASE);
    CompletableFuture<Optional<RenewalLease>> lease =
        store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30))).toCompletableFuture();
    awaitHanging(hang);

    lease.cancel(true);

    await().atMost(Duration.ofSeconds(10)).until(() -> !hang.isHanging());
    assertThat(faults.executed(StoreStatement.LEASE)).isZero();
    assertThat(join(store.read(key))).isEmpty();
  }

  @Test
  void aCallCancelledBeforeItsTurnRunsNoStatement() {
    FaultInjectingDataSource faults = FaultInjectingDataSource.wrap(db.plain(schema));
    JdbcTokenStore store = store(JdbcTokenStore.builder(faults).createTableIfMissing(true).queryTimeout(Duration.ofMinutes(10)));
    join(store.read(newKey()));
    List<Hang> hangs = List.of(faults.hangNext(StoreStatement.READ), faults.hangNext(StoreStatement.READ));
    List<CompletableFuture<Optional<StoredToken>>> busy = List.of(store.read(newKey()).toCompletableFuture(),
        store.read(newKey()).toCompletableFuture());
    hangs.forEach(AbstractJdbcTokenStoreTest::awaitHanging);
    TokenKey key = newKey();
    CompletableFuture<Optional<RenewalLease>> queued =
        store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30))).toCompletableFuture();

    queued.cancel(true);
    hangs.forEach(Hang::release);

    busy.forEach(read -> assertThat(join(read)).isEmpty());
    assertThat(join(store.read(key))).as("the cancelled lease created no row").isEmpty();
    assertThat(faults.statements(StoreStatement.LEASE)).isZero();
  }

  @Test
  void closeWithStuckStatementsAbortsThemFailsEveryPendingCallAndEndsEveryThread() throws SQLException {
    FaultInjectingDataSource faults = FaultInjectingDataSource.wrap(db.plain(schema));
    ObservedDataSource observed = new ObservedDataSource(faults, "observed");
    JdbcTokenStore store = JdbcTokenStore.builder(observed).createTableIfMissing(true)
        .queryTimeout(Duration.ofMinutes(10)).build();
    join(store.read(newKey()));
    List<Hang> hangs = List.of(faults.hangNext(StoreStatement.READ), faults.hangNext(StoreStatement.READ));
    List<CompletableFuture<?>> calls = new ArrayList<>();
    calls.add(store.read(newKey()).toCompletableFuture());
    calls.add(store.read(newKey()).toCompletableFuture());
    hangs.forEach(AbstractJdbcTokenStoreTest::awaitHanging);
    for (int i = 0; i < 3; i++) {
      calls.add(store.tryLease(LeaseRequest.scheduled(newKey(), 0, "node-a", Duration.ofSeconds(30))).toCompletableFuture());
    }
    String threadPrefix = storeThreadPrefix(observed.callers());

    store.close();

    for (CompletableFuture<?> call : calls) {
      assertThat(failureOf(call)).isInstanceOf(TokenStoreException.class).hasMessageContaining("closed");
    }
    assertThat(hangs).noneMatch(Hang::isHanging);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(liveThreadsNamed(threadPrefix))
        .as("threads of the closed store").isEmpty());
    assertThat(faults.statements(StoreStatement.LEASE)).as("the queued calls never ran").isZero();
    try (Connection connection = faults.getConnection()) {
      assertThat(connection.isValid(5)).as("the data source is the caller's and stays open").isTrue();
    }
  }

  @Test
  void manyKeysShareTwoStatementThreadsAndOneWatchdog() {
    ObservedDataSource observed = new ObservedDataSource(db.plain(schema), "observed");
    JdbcTokenStore store = store(JdbcTokenStore.builder(observed).createTableIfMissing(true));
    List<CompletableFuture<Optional<StoredToken>>> reads = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      reads.add(store.read(newKey()).toCompletableFuture());
    }

    reads.forEach(read -> assertThat(join(read)).isEmpty());

    List<Thread> callers = observed.callers();
    String prefix = storeThreadPrefix(callers);
    assertThat(callers.stream().distinct()).hasSizeLessThanOrEqualTo(2)
        .allSatisfy(thread -> assertThat(thread.getName()).matches("ctc-token-jdbc-store-\\d+-sql-\\d+"));
    assertThat(liveThreadsNamed(prefix)).hasSizeLessThanOrEqualTo(3)
        .extracting(Thread::getName).contains(prefix + "watchdog");
  }

  // ---------------------------------------------------------------------------------------------
  // failures never quote tokens

  @Test
  void databaseMessagesQuotingTokensNeverReachTheStoresExceptions() throws SQLException {
    String table = TestDatabase.uniqueName("echo");
    db.execute(TableSetup.ddl(db.dialect(), TableName.of(schema + "." + table)));
    JdbcTokenStore store = store(JdbcTokenStore.builder(db.plain(schema)).tableName(table));
    TokenKey key = newKey();
    String stored = token(90);
    join(store.publish(join(store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30)))).orElseThrow(), fresh(stored)));
    RenewalLease lease = join(store.tryLease(LeaseRequest.scheduled(key, 1, "node-a", Duration.ofSeconds(30)))).orElseThrow();
    db.installEchoingTrigger(schema, schema + "." + table);
    String fresh = token(90);

    assertThat(driverMessageOfRawUpdate(schema + "." + table, key, fresh))
        .as("the database really quotes the token (else this test would prove nothing)").contains(fresh);

    Throwable publishFailure = failureOf(store.publish(lease, fresh(fresh)));
    Throwable releaseFailure = failureOf(store.releaseAfterFailure(lease, FetchFailure.known("transport", Duration.ofSeconds(1))));

    for (Throwable failure : List.of(publishFailure, releaseFailure)) {
      assertThat(failure).isInstanceOf(TokenStoreException.class).hasMessageContaining(table)
          .hasMessageContaining("SQLState 45000");
      assertThat(texts(failure)).isNotEmpty()
          .noneMatch(text -> text.contains(fresh.substring(0, 30)) || text.contains(stored.substring(0, 30)));
    }
    assertThat(publishFailure).hasMessageContaining("publish version 2");
    assertThat(releaseFailure).hasMessageContaining("record the failure");
  }

  // ---------------------------------------------------------------------------------------------
  // time is the database's

  @Test
  void leasesAndExpiryFollowTheDatabaseClockNotTheJvmClock() throws SQLException {
    String table = schema + "." + TestDatabase.uniqueName("clock");
    JdbcTokenStore store = store(JdbcTokenStore.builder(db.plain(schema)).tableName(table).createTableIfMissing(true));
    TokenKey key = newKey();
    RenewalLease lease = join(store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(60)))).orElseThrow();
    assertAbout(join(store.read(key)).orElseThrow().leaseExpiresIn(), Duration.ofSeconds(60));

    // as if the database's clock had jumped 61 s ahead while the JVM's moved by milliseconds
    shiftBack(table, "lease_until", 61, key);

    StoredToken afterJump = join(store.read(key)).orElseThrow();
    assertThat(afterJump.isLeased()).isFalse();
    assertAbout(afterJump.leaseExpiresIn(), Duration.ofSeconds(-1));
    assertThat(join(store.publish(lease, fresh(token(64))))).as("fenced by the database's clock").isEmpty();
    RenewalLease taken = join(store.tryLease(LeaseRequest.scheduled(key, 0, "node-b", Duration.ofSeconds(60)))).orElseThrow();
    join(store.publish(taken, fresh(token(64)))).orElseThrow();
    assertAbout(join(store.read(key)).orElseThrow().expiresIn(), Duration.ofSeconds(3000));

    shiftBack(table, "expires_at", 3001, key);

    StoredToken expired = join(store.read(key)).orElseThrow();
    assertThat(expired.hasValidToken()).isFalse();
    assertAbout(expired.expiresIn(), Duration.ofSeconds(-1));
  }

  @Test
  void durationsReadBackRoundUpSoALeaseShownAsRunOutIsOneThatPublishRefuses() throws SQLException {
    Dialect dialect = db.dialect();
    String sql = "SELECT " + dialect.millisUntil("later") + ", " + dialect.millisUntil("earlier") + ", "
        + dialect.millisUntil("exactly") + " FROM (SELECT " + db.nowPlusMicros(400) + " AS later, "
        + db.nowPlusMicros(-400) + " AS earlier, " + dialect.now() + " AS exactly) moments";

    try (Connection connection = connect(); Statement select = connection.createStatement();
        ResultSet row = select.executeQuery(sql)) {
      assertThat(row.next()).isTrue();
      assertThat(row.getLong(1)).as("0.4 ms ahead: still live, as later > now").isEqualTo(1);
      assertThat(row.getLong(2)).as("0.4 ms ago: run out").isLessThanOrEqualTo(0);
      assertThat(row.getLong(3)).as("now: run out, as the lease statement's lease_until <= now").isZero();
    }
  }

  @Test
  void nodesInDifferentTimeZonesAgreeOnLeasesAndExpiry() {
    String table = schema + "." + TestDatabase.uniqueName("zones");
    TimeZone original = TimeZone.getDefault();
    TimeZone east = TimeZone.getTimeZone("GMT+13:00");
    TimeZone west = TimeZone.getTimeZone("GMT-12:00");
    JdbcTokenStore eastNode = store(JdbcTokenStore.builder(new DriverManagerDataSource(db.urlIn(schema, "+13:00")))
        .tableName(table).createTableIfMissing(true));
    JdbcTokenStore westNode = store(JdbcTokenStore.builder(new DriverManagerDataSource(db.urlIn(schema, "-12:00")))
        .tableName(table));
    TokenKey key = newKey();
    try {
      TimeZone.setDefault(east);
      RenewalLease lease = join(eastNode.tryLease(LeaseRequest.scheduled(key, 0, "east", Duration.ofSeconds(60)))).orElseThrow();

      TimeZone.setDefault(west);
      StoredToken seenInTheWest = join(westNode.read(key)).orElseThrow();
      assertThat(seenInTheWest.leaseOwner()).contains("east");
      assertAbout(seenInTheWest.leaseExpiresIn(), Duration.ofSeconds(60));
      assertThat(join(westNode.tryLease(LeaseRequest.scheduled(key, 0, "west", Duration.ofSeconds(60))))).as("the lease is live").isEmpty();

      TimeZone.setDefault(east);
      join(eastNode.publish(lease, fresh(token(64)))).orElseThrow();

      TimeZone.setDefault(west);
      assertAbout(join(westNode.read(key)).orElseThrow().expiresIn(), Duration.ofSeconds(3000));
    } finally {
      TimeZone.setDefault(original);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // threads and availability

  @Test
  void callsNeverBlockTheCallerAndRunOnTheStoresDaemonThreads() {
    ObservedDataSource dataSource = new ObservedDataSource(db.plain(schema), "observed");
    JdbcTokenStore store = store(JdbcTokenStore.builder(dataSource).createTableIfMissing(true));
    dataSource.holdConnections();

    CompletableFuture<Optional<StoredToken>> read = store.read(newKey()).toCompletableFuture();

    assertThat(read).as("returned while the database connection is still held").isNotDone();
    dataSource.releaseConnections();
    assertThat(join(read)).isEmpty();
    assertThat(dataSource.callers()).isNotEmpty().allSatisfy(thread -> {
      assertThat(thread.getName()).startsWith("ctc-token-jdbc-store-");
      assertThat(thread.isDaemon()).isTrue();
    });
  }

  @Test
  void closeStopsTheStoresThreadsButLeavesTheDataSourceOpen() throws SQLException {
    try (HikariDataSource pool = db.pool(schema, true, null)) {
      ObservedDataSource dataSource = new ObservedDataSource(pool, "observed");
      JdbcTokenStore store = JdbcTokenStore.builder(dataSource).createTableIfMissing(true).build();
      join(store.read(newKey()));
      List<Thread> threads = dataSource.callers();

      store.close();
      store.close();

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(threads).noneMatch(Thread::isAlive));
      assertThat(failureOf(store.read(newKey()))).isInstanceOf(TokenStoreException.class).hasMessageContaining("closed");
      assertThat(pool.isClosed()).isFalse();
      try (Connection connection = pool.getConnection()) {
        assertThat(connection.isValid(5)).isTrue();
      }
    }
  }

  @Test
  void unreachableDatabaseFailsTheCallPromptlyAndTheStoreRecoversWhenItReturns() {
    ObservedDataSource dataSource = new ObservedDataSource(new DriverManagerDataSource(db.deadUrl()), "observed");
    JdbcTokenStore store = store(JdbcTokenStore.builder(dataSource).createTableIfMissing(true));
    TokenKey key = newKey();

    Throwable failure = failureOf(store.read(key));

    assertThat(failure).isInstanceOf(TokenStoreException.class)
        .hasMessageContaining("could not get a database connection")
        .hasMessageContaining("ctc_access_token")
        .hasCauseInstanceOf(SQLException.class);

    dataSource.switchTo(db.plain(schema));
    RenewalLease lease = join(store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30)))).orElseThrow();
    assertThat(join(store.publish(lease, fresh(token(64)))).map(StoredToken::version)).contains(1L);

    dataSource.switchTo(new DriverManagerDataSource(db.deadUrl()));
    assertThat(failureOf(store.read(key))).isInstanceOf(TokenStoreException.class);
    dataSource.switchTo(db.plain(schema));
    assertThat(join(store.read(key)).map(StoredToken::version)).contains(1L);
  }

  @Test
  void toStringNamesTableAndDatabaseButNeitherTheDataSourceNorAToken() {
    ObservedDataSource dataSource = new ObservedDataSource(db.plain(schema), "DataSource{url=...&password=hunter2}");
    JdbcTokenStore store = store(JdbcTokenStore.builder(dataSource).createTableIfMissing(true));
    assertThat(store.toString()).contains("ctc_access_token").doesNotContain("hunter2");
    TokenKey key = newKey();
    String token = token(200);
    join(store.publish(join(store.tryLease(LeaseRequest.scheduled(key, 0, "node-a", Duration.ofSeconds(30)))).orElseThrow(), fresh(token)));

    assertThat(store.toString()).contains("ctc_access_token").contains(db.dialect().toString())
        .doesNotContain("hunter2").doesNotContain(token.substring(0, 20));
  }

  @Test
  void detectsTheDialectFromTheConnection() {
    JdbcTokenStore store = store(JdbcTokenStore.builder(db.plain(schema)).createTableIfMissing(true));
    join(store.read(newKey()));

    assertThat(store.toString()).contains("database=" + db.dialect());
  }

  // ---------------------------------------------------------------------------------------------

  private JdbcTokenStore store(JdbcTokenStore.Builder builder) {
    JdbcTokenStore store = builder.build();
    stores.add(store);
    return store;
  }

  private static void assertAbout(Duration actual, Duration expected) {
    assertThat(actual).isBetween(expected.minus(TOLERANCE), expected.plus(TOLERANCE));
  }

  private Connection connect() throws SQLException {
    return db.plain(schema).getConnection();
  }

  private void shiftBack(String table, String column, int seconds, TokenKey key) throws SQLException {
    try (Connection connection = connect();
        PreparedStatement update = connection.prepareStatement(db.shiftBack(table, column, seconds))) {
      update.setString(1, key.id());
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
  }

  private String driverMessageOfRawUpdate(String table, TokenKey key, String token) throws SQLException {
    try (Connection connection = connect();
        PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET token = ? WHERE token_key = ?")) {
      update.setString(1, token);
      update.setString(2, key.id());
      try {
        update.executeUpdate();
      } catch (SQLException e) {
        return String.join("\n", texts(e));
      }
      throw new AssertionError("the echoing trigger let an update through");
    }
  }

  private Map<String, Object> rawRow(String table, TokenKey key) throws SQLException {
    try (Connection connection = connect();
        PreparedStatement select = connection.prepareStatement("SELECT * FROM " + table + " WHERE token_key = ?")) {
      select.setString(1, key.id());
      try (ResultSet rows = select.executeQuery()) {
        assertThat(rows.next()).isTrue();
        ResultSetMetaData meta = rows.getMetaData();
        Map<String, Object> row = new HashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), rows.getObject(i));
        }
        return row;
      }
    }
  }

  private static void awaitHanging(Hang hang) {
    try {
      assertThat(hang.awaitHanging(Duration.ofSeconds(20))).as("a statement hangs").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code ctc-token-jdbc-store-<n>-} of the store whose statement threads {@code callers} are. */
  private static String storeThreadPrefix(List<Thread> callers) {
    assertThat(callers).isNotEmpty();
    String name = callers.get(0).getName();
    assertThat(name).matches("ctc-token-jdbc-store-\\d+-sql-\\d+");
    return name.substring(0, name.indexOf("-sql-") + 1);
  }

  private static List<Thread> liveThreadsNamed(String prefix) {
    List<Thread> live = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.isAlive() && thread.getName().startsWith(prefix)) {
        live.add(thread);
      }
    }
    return live;
  }

  /** The {@code CREATE TABLE} of the earlier DDL, kept in the test resources, for {@code table}. */
  private String previousDdl(String table) {
    String resource = db.dialect().ddlResource().replace("/ddl/", "/previous-ddl/");
    try (InputStream in = AbstractJdbcTokenStoreTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(line -> !line.trim().startsWith("--")).collect(Collectors.joining("\n")).trim();
      return sql.replace(TableName.DEFAULT, table);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A published token as the earlier version of the store wrote it, through the columns it had. */
  private void insertAsTheEarlierVersionDid(String table, TokenKey key, String token) throws SQLException {
    Dialect dialect = db.dialect();
    try (Connection connection = connect(); PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
        + " (token_key, version, token, token_type, expires_at, lifetime_seconds, fetched_at) VALUES (?, 3, ?, 'Bearer', "
        + dialect.nowPlusMillis() + ", 3600, " + dialect.now() + ")")) {
      insert.setString(1, key.id());
      insert.setString(2, token);
      insert.setLong(3, 3_000_000);
      assertThat(insert.executeUpdate()).isEqualTo(1);
    }
  }

  private long rowCount(String table) {
    try (Connection connection = connect(); Statement select = connection.createStatement();
        ResultSet rows = select.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The lower-case column names of {@code table}; empty if it does not exist. */
  private List<String> columnsOf(String table) {
    try (Connection connection = connect(); Statement select = connection.createStatement();
        ResultSet rows = select.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
      ResultSetMetaData meta = rows.getMetaData();
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        names.add(meta.getColumnLabel(i).toLowerCase(Locale.ROOT));
      }
      return names;
    } catch (SQLException missing) {
      return List.of();
    }
  }
}
