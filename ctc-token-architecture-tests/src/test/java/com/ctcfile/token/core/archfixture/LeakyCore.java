package com.ctcfile.token.core.archfixture;

import com.ctcfile.token.cli.archfixture.Cli;
import com.google.gson.JsonParser;
import java.sql.Connection;

/** Breaks core's rules on purpose: SQL, Gson outside the wire package, a composition root. */
public class LeakyCore {

  public Object query(Connection connection) {
    new Cli();
    return JsonParser.parseString("{}");
  }
}
