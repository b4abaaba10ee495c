package com.ctcfile.token.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The secrets one run of a command has read, and the last line of defence that keeps them out of
 * what it prints on errors. The library already scrubs its exceptions; this also covers anything a
 * driver or framework put into a message or a stack trace printed with {@code --verbose}.
 * Thread-safe.
 */
final class Redactions {

  static final String MASK = "<redacted>";

  private final List<String> secrets = new CopyOnWriteArrayList<>();

  /** Hides {@code secret}, and its URL-encoded form, in every later {@link #scrub}. */
  void add(String secret) {
    if (secret == null || secret.isEmpty()) {
      return;
    }
    secrets.add(secret);
    String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
    if (!encoded.equals(secret)) {
      secrets.add(encoded);
      secrets.add(encoded.replace("+", "%20"));
    }
  }

  /** {@code text} with every registered secret replaced by {@value #MASK}. */
  String scrub(String text) {
    if (text == null) {
      return null;
    }
    String result = text;
    for (String secret : secrets) {
      result = result.replace(secret, MASK);
    }
    return result;
  }
}
