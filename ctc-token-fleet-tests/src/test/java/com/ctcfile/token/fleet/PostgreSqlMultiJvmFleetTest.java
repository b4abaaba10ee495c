package com.ctcfile.token.fleet;

/** Fleets of three JVMs on PostgreSQL, when CTC_TEST_POSTGRES_URL is set (a failure when CI=true and it is not). */
class PostgreSqlMultiJvmFleetTest extends AbstractMultiJvmFleetTest {

  @Override
  FleetDatabase openDatabase() {
    return FleetDatabase.postgres();
  }
}
