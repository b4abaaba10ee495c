package com.ctcfile.token.cli;

import picocli.CommandLine.Option;

/** Options every command has. */
final class CommonOptions {

  static final String VERBOSE = "--verbose";

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = {"-v", VERBOSE},
      description = "On an error, print the stack trace after the one-line message (never the secret).")
  boolean verbose;
}
