package com.ctcfile.token.benchmarks;

import java.util.Arrays;

/** Token values for the benchmarks: as long as real CTC tokens (790 characters), distinct per serial. */
final class Tokens {

  static final int LENGTH = 790;

  private Tokens() {}

  /** A b64token of {@link #LENGTH} characters that ends with {@code serial}. */
  static String value(int serial) {
    String suffix = "-" + serial;
    char[] body = new char[LENGTH - suffix.length()];
    Arrays.fill(body, 'A');
    return new String(body) + suffix;
  }
}
