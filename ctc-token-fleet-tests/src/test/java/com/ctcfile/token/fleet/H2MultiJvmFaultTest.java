package com.ctcfile.token.fleet;

/** The multi-JVM fault tests on H2 in server mode, always. */
class H2MultiJvmFaultTest extends AbstractMultiJvmFaultTest {

  @Override
  FleetDatabase openDatabase() {
    return FleetDatabase.h2();
  }

  /**
   * With H2's own socket timeout, {@code NETWORK_TIMEOUT} (milliseconds), which the store's Javadoc
   * asks for: H2 2.3's {@code JdbcConnection.abort} does nothing, so without it a statement on a dark
   * connection to an H2 server keeps its store thread for as long as the connection stays dark, and
   * {@code close()} cannot end that thread. With PostgreSQL and MariaDB the store's abort closes the
   * socket, and the driver's {@code socketTimeout} stays 0.
   */
  @Override
  String darkPathUrl(int proxyPort) {
    return super.darkPathUrl(proxyPort) + ";NETWORK_TIMEOUT=1500";
  }
}
