package com.ctcfile.token.fleet;

import com.ctcfile.token.core.port.TokenStore;
import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A registry of 200 clients on one {@link JdbcTokenStore} (one table, one row per client) over a small
 * HikariCP pool. The database is opened once per class, failing rather than skipping under
 * {@code CI=true} when it is missing; each test has a table of its own, dropped afterwards.
 */
abstract class AbstractDatabaseRegistryScaleTest extends AbstractRegistryScaleTest {

  // two statement threads and a watchdog, shared by every client
  private static final int STORE_THREADS = 3;

  private FleetDatabase database;
  private final List<String> tables = new ArrayList<>();

  abstract FleetDatabase openDatabase();

  @BeforeAll
  void openTheDatabase() {
    database = openDatabase();
    database.requireAvailable();
  }

  @Override
  void afterClose() {
    tables.forEach(database::dropTable);
    tables.clear();
  }

  @AfterAll
  void closeTheDatabase() {
    if (database != null) {
      database.close();
    }
  }

  @Override
  int clients() {
    return 200;
  }

  @Override
  String storeName() {
    return database.name();
  }

  @Override
  TokenStore newStore(List<AutoCloseable> afterRegistry) {
    String table = database.newTable();
    tables.add(table);
    HikariDataSource pool = database.pool(database.url(), "registry-" + table, Duration.ofSeconds(5));
    afterRegistry.add(pool);
    return JdbcTokenStore.builder(pool).tableName(table).createTableIfMissing(true).build();
  }

  @Override
  int storeThreads() {
    return STORE_THREADS;
  }
}
