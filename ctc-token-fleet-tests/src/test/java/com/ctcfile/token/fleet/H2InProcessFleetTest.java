package com.ctcfile.token.fleet;

/** The in-process fleet on H2 in server mode, always. */
class H2InProcessFleetTest extends AbstractInProcessFleetTest {

  @Override
  FleetDatabase openDatabase() {
    return FleetDatabase.h2();
  }
}
