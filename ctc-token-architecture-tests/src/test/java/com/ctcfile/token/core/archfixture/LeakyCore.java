package com.ctcfile.token.core.archfixture;

import com.ctcfile.token.cli.archfixture.Cli;
import java.sql.Connection;

/** Breaks core's rules on purpose: SQL and a composition root. */
public class LeakyCore {

  public Object query(Connection connection) {
    new Cli();
    return connection;
  }
}
