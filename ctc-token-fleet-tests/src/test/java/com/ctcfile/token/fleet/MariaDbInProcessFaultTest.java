package com.ctcfile.token.fleet;

/** The in-process fault tests on MariaDB, when CTC_TEST_MARIADB_URL is set (a failure when CI=true and it is not). */
class MariaDbInProcessFaultTest extends AbstractInProcessFaultTest {

  @Override
  FleetDatabase openDatabase() {
    return FleetDatabase.mariadb();
  }
}
