package com.ctcfile.token.fleet;

/** Fleets of three JVMs on H2 in server mode, always. */
class H2MultiJvmFleetTest extends AbstractMultiJvmFleetTest {

  @Override
  FleetDatabase openDatabase() {
    return FleetDatabase.h2();
  }
}
