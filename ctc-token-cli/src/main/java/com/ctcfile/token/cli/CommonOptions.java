package com.ctcfile.token.cli;

import picocli.CommandLine.Option;

/** Options every command has besides {@code --help}. */
final class CommonOptions {

  static final String VERBOSE = "--verbose";

  @Option(names = {"-v", VERBOSE},
      description = "On an error, print the stack trace after the one-line message (never the secret).")
  boolean verbose;
}
