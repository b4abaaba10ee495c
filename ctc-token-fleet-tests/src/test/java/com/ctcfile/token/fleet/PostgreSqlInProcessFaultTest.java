package com.ctcfile.token.fleet;

/** The in-process fault tests on PostgreSQL, when CTC_TEST_POSTGRES_URL is set (a failure when CI=true and it is not). */
class PostgreSqlInProcessFaultTest extends AbstractInProcessFaultTest {

  @Override
  FleetDatabase openDatabase() {
    return FleetDatabase.postgres();
  }
}
