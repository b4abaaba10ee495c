package com.ctcfile.token.fleet;

/** The registry of 200 clients on H2 in server mode, always. */
class H2RegistryScaleTest extends AbstractDatabaseRegistryScaleTest {

  @Override
  FleetDatabase openDatabase() {
    return FleetDatabase.h2();
  }
}
