package com.ctcfile.token.store.jdbc;

/** The JDBC store on MariaDb, when CTC_TEST_MARIADB_URL is set (a failure when CI=true and it is not). */
class MariaDbJdbcTokenStoreTest extends AbstractJdbcTokenStoreTest {

  @Override
  TestDatabase database() {
    return TestDatabase.mariadb();
  }
}
