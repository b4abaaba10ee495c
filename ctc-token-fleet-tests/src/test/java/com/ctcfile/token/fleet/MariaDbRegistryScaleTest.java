package com.ctcfile.token.fleet;

/** The registry of 200 clients on MariaDB, when CTC_TEST_MARIADB_URL is set (a failure when CI=true and it is not). */
class MariaDbRegistryScaleTest extends AbstractDatabaseRegistryScaleTest {

  @Override
  FleetDatabase openDatabase() {
    return FleetDatabase.mariadb();
  }
}
