package com.ctcfile.token.fleet;

/** Fleets of three JVMs on MariaDB, when CTC_TEST_MARIADB_URL is set (a failure when CI=true and it is not). */
class MariaDbMultiJvmFleetTest extends AbstractMultiJvmFleetTest {

  @Override
  FleetDatabase openDatabase() {
    return FleetDatabase.mariadb();
  }
}
