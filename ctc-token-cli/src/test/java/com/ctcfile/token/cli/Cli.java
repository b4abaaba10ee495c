package com.ctcfile.token.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs {@code ctc-token} in this JVM as a user would run it, with its own environment variables,
 * store directory and standard input, and captures what it prints.
 */
final class Cli {

  private final Map<String, String> variables = new HashMap<>();
  private final Path storeHome;
  private InputStream stdin = new ByteArrayInputStream(new byte[0]);

  /** A run whose store lives in {@code storeHome}, a private store the tests choose on purpose. */
  Cli(Path storeHome) {
    this.storeHome = storeHome;
    variables.put(TokenCommand.LOCAL_STORE_VARIABLE, "true");
  }

  /** Without the environment's choice of a private store, as a user who has not made it. */
  Cli withoutLocalStoreChoice() {
    variables.remove(TokenCommand.LOCAL_STORE_VARIABLE);
    return this;
  }

  Cli env(String name, String value) {
    variables.put(name, value);
    return this;
  }

  Cli stdin(String text) {
    stdin = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = CtcTokenCommand.commandLine(new CliEnvironment(variables, storeHome, stdin, false, true));
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    int status = command.execute(args);
    return new Result(status, out.toString(), err.toString());
  }

  /** What one run printed, and its exit status. */
  record Result(int status, String out, String err) {

    /** Both streams, for checks that something appears in neither. */
    String all() {
      return out + err;
    }

    @Override
    public String toString() {
      return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }
}
