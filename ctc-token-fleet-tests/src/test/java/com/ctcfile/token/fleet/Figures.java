package com.ctcfile.token.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The numbers a fleet test measured, as one line {@code FLEET-FIGURES test=.. database=.. key=value...}
 * printed to stdout and appended to {@code target/fleet-figures.txt} (Surefire runs in the module's
 * directory; with test classes running side by side it may file a class's stdout under another), the
 * source of the README's figures. Not thread-safe; one per test.
 */
final class Figures {

  private static final String FILE = "fleet-figures.txt";

  private final Map<String, String> values = new LinkedHashMap<>();

  Figures(String test, FleetDatabase database) {
    values.put("test", test);
    values.put("database", database.name());
  }

  Figures put(String key, long value) {
    values.put(key, Long.toString(value));
    return this;
  }

  Figures put(String key, double value) {
    values.put(key, String.format(Locale.ROOT, "%.2f", value));
    return this;
  }

  Figures put(String key, String value) {
    values.put(key, value);
    return this;
  }

  /** Prints the line; call it before asserting, so a failing run still shows what it measured. */
  void print() {
    String line = "FLEET-FIGURES " + values.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    System.out.println(line);
    System.out.flush();
    append(line);
  }

  private static synchronized void append(String line) {
    Path target = Path.of("target");
    if (!Files.isDirectory(target)) {
      return; // not run by Maven from the module's directory: stdout has it
    }
    try {
      Files.writeString(target.resolve(FILE), line + System.lineSeparator(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to target/" + FILE, e);
    }
  }
}
