package com.ctcfile.token.fleet;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The numbers a fleet test measured, printed as one line {@code FLEET-FIGURES test=.. database=..
 * key=value...} to stdout, which Surefire keeps in {@code target/surefire-reports/<class>-output.txt}:
 * the source of the README's figures. Not thread-safe; one per test.
 */
final class Figures {

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
    System.out.println("FLEET-FIGURES " + values.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
    System.out.flush();
  }
}
