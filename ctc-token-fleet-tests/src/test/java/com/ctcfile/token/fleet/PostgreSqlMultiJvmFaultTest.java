package com.ctcfile.token.fleet;

/** The multi-JVM fault tests on PostgreSQL, when CTC_TEST_POSTGRES_URL is set (a failure when CI=true and it is not). */
class PostgreSqlMultiJvmFaultTest extends AbstractMultiJvmFaultTest {

  @Override
  FleetDatabase openDatabase() {
    return FleetDatabase.postgres();
  }
}
