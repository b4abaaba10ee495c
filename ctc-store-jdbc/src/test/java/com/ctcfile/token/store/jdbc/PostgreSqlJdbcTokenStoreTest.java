package com.ctcfile.token.store.jdbc;

/** The JDBC store on PostgreSQL, when CTC_TEST_POSTGRES_URL is set (a failure when CI=true and it is not). */
class PostgreSqlJdbcTokenStoreTest extends AbstractJdbcTokenStoreTest {

  @Override
  TestDatabase database() {
    return TestDatabase.postgres();
  }
}
