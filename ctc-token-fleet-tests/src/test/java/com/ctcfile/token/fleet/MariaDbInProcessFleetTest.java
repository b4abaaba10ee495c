package com.ctcfile.token.fleet;

/** The in-process fleet on MariaDB, when CTC_TEST_MARIADB_URL is set (a failure when CI=true and it is not). */
class MariaDbInProcessFleetTest extends AbstractInProcessFleetTest {

  @Override
  FleetDatabase openDatabase() {
    return FleetDatabase.mariadb();
  }
}
