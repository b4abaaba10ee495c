package com.ctcfile.token.store.jdbc;

/** A dark network path under MariaDB's driver, when CTC_TEST_MARIADB_URL is set (a failure when CI=true and it is not). */
class MariaDbDeadNetworkPathTest extends AbstractDeadNetworkPathTest {

  @Override
  TestDatabase database() {
    return TestDatabase.mariadb();
  }
}
