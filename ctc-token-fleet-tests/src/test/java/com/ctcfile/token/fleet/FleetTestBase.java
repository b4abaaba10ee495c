package com.ctcfile.token.fleet;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The database a fleet test class runs on, opened once per class (failing, not skipping, under
 * {@code CI=true} when it is missing), and what each test made: closed in reverse order, its tables
 * dropped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FleetTestBase {

  FleetDatabase database;
  // closed last-in first-out: managers stop their timers and stores before pools, proxies and servers go
  final List<AutoCloseable> resources = new ArrayList<>();
  final List<String> tables = new ArrayList<>();

  abstract FleetDatabase openDatabase();

  @BeforeAll
  void openTheDatabase() {
    database = openDatabase();
    database.requireAvailable();
  }

  @AfterAll
  void closeTheDatabase() {
    if (database != null) {
      database.close();
    }
  }

  @AfterEach
  void release() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    resources.clear();
    for (String table : tables) {
      database.dropTable(table);
    }
    tables.clear();
  }
}
