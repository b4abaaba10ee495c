package com.ctcfile.token.fleet;

/** The in-process fault tests on H2 in server mode, always. */
class H2InProcessFaultTest extends AbstractInProcessFaultTest {

  @Override
  FleetDatabase openDatabase() {
    return FleetDatabase.h2();
  }
}
