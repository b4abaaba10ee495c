package com.ctcfile.token.fleet;

/** The in-process fleet on PostgreSQL, when CTC_TEST_POSTGRES_URL is set (a failure when CI=true and it is not). */
class PostgreSqlInProcessFleetTest extends AbstractInProcessFleetTest {

  @Override
  FleetDatabase openDatabase() {
    return FleetDatabase.postgres();
  }
}
