package com.ctcfile.token.fleet;

/** The multi-JVM fault tests on MariaDB, when CTC_TEST_MARIADB_URL is set (a failure when CI=true and it is not). */
class MariaDbMultiJvmFaultTest extends AbstractMultiJvmFaultTest {

  @Override
  FleetDatabase openDatabase() {
    return FleetDatabase.mariadb();
  }
}
