package com.ctcfile.token.fleet;

/** The registry of 200 clients on PostgreSQL, when CTC_TEST_POSTGRES_URL is set (a failure when CI=true and it is not). */
class PostgreSqlRegistryScaleTest extends AbstractDatabaseRegistryScaleTest {

  @Override
  FleetDatabase openDatabase() {
    return FleetDatabase.postgres();
  }
}
