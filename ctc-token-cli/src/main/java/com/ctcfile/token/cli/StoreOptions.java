package com.ctcfile.token.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the fleet's shared token lives: a JDBC database, or by default an H2 file of this user's. */
final class StoreOptions {

  static final String PASSWORD_VARIABLE = "CTC_JDBC_PASSWORD";
  static final String DEFAULT_TABLE = "ctc_access_token";

  @Option(names = "--jdbc-url", paramLabel = "URL",
      description = {"The database the fleet shares its token in, e.g. jdbc:postgresql://db:5432/app or"
          + " jdbc:mariadb://db:3306/app (drivers for H2, PostgreSQL and MariaDB are included).",
          "Without it: an H2 file in ~/.ctc-token (or $CTC_TOKEN_HOME) that only this machine sees; 'token'"
              + " then needs --local-store, since a fetch there invalidates the token of any fleet on the clientId."})
  String jdbcUrl;

  @Option(names = "--jdbc-user", paramLabel = "USER", description = "The database user.")
  String user;

  @Option(names = "--jdbc-password-file", paramLabel = "PATH",
      description = "A file holding the database password ('-' for standard input). Default: the environment"
          + " variable " + PASSWORD_VARIABLE + ".")
  Path passwordFile;

  @Option(names = "--table", paramLabel = "NAME", defaultValue = DEFAULT_TABLE,
      description = "The store's table, as the fleet configured it. Default: ${DEFAULT-VALUE}.")
  String table;

  @Option(names = "--create-table", negatable = true,
      description = {"Create the table if it is missing.",
          "Default: yes for the default H2 file, no with --jdbc-url (the fleet's migrations own that schema)."})
  Boolean createTable;

  /** The H2 file of the default store, in {@code home}. */
  static Path defaultDatabase(Path home) {
    return home.resolve("tokens");
  }
}
