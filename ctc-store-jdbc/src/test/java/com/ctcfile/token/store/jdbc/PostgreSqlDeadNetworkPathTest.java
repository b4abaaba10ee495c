package com.ctcfile.token.store.jdbc;

/** A dark network path under PostgreSQL's driver, when CTC_TEST_POSTGRES_URL is set (a failure when CI=true and it is not). */
class PostgreSqlDeadNetworkPathTest extends AbstractDeadNetworkPathTest {

  @Override
  TestDatabase database() {
    return TestDatabase.postgres();
  }
}
