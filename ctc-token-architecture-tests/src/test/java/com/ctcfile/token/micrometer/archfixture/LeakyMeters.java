package com.ctcfile.token.micrometer.archfixture;

import com.ctcfile.token.testkit.FakeCtcServer;
import java.sql.Connection;

/** Breaks the Micrometer module's rule on purpose: SQL, and a module besides core and Micrometer. */
public class LeakyMeters {

  public Object measure(Connection connection) {
    return FakeCtcServer.builder();
  }
}
