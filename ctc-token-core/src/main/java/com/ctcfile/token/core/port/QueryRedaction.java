package com.ctcfile.token.core.port;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Keeps an HTTP library's exceptions from quoting the token request's query, which carries the
 * client secret: a cause whose chain quotes the query, or any value in it, is replaced by a stand-in
 * that names its type only.
 */
final class QueryRedaction {

  // shorter query values are too common to tell a leak from an accident ("0", "abc")
  private static final int SHORTEST_SECRET_FRAGMENT = 4;

  private QueryRedaction() {}

  /**
   * {@code cause} itself if no message in its chain (causes and suppressed ones, at any depth) quotes
   * the URI's query or one of its values; otherwise a stand-in naming only the cause's type, with its
   * stack trace and no further chain.
   */
  static Throwable safeCause(Throwable cause, URI uri) {
    if (cause == null) {
      return null;
    }
    List<String> fragments = fragments(uri);
    if (fragments.isEmpty() || !quotesAnywhere(cause, fragments)) {
      return cause;
    }
    IOException standIn = new IOException(cause.getClass().getName()
        + " (message withheld: it quoted the token request's query)");
    standIn.setStackTrace(cause.getStackTrace());
    return standIn;
  }

  private static boolean quotesAnywhere(Throwable cause, List<String> fragments) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Throwable> pending = new ArrayList<>(List.of(cause));
    while (!pending.isEmpty()) {
      Throwable t = pending.remove(pending.size() - 1);
      if (!seen.add(t)) {
        continue;
      }
      if (quotesAny(t.getMessage(), fragments) || quotesAny(t.getLocalizedMessage(), fragments)
          || quotesAny(t.toString(), fragments)) {
        return true;
      }
      if (t.getCause() != null) {
        pending.add(t.getCause());
      }
      Collections.addAll(pending, t.getSuppressed());
    }
    return false;
  }

  static String describe(Throwable cause) {
    String message = cause.getMessage();
    String type = cause.getClass().getSimpleName().isEmpty() ? cause.getClass().getName() : cause.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }

  private static List<String> fragments(URI uri) {
    String rawQuery = uri.getRawQuery();
    List<String> fragments = new ArrayList<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return fragments;
    }
    fragments.add(rawQuery);
    fragments.add(uri.getQuery());
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String raw = eq < 0 ? pair : pair.substring(eq + 1);
      if (raw.length() >= SHORTEST_SECRET_FRAGMENT) {
        fragments.add(raw);
        String decoded = decode(raw);
        if (decoded.length() >= SHORTEST_SECRET_FRAGMENT) {
          fragments.add(decoded);
        }
      }
    }
    return fragments;
  }

  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return raw;
    }
  }

  private static boolean quotesAny(String message, List<String> fragments) {
    if (message == null) {
      return false;
    }
    for (String fragment : fragments) {
      if (fragment != null && !fragment.isEmpty() && message.contains(fragment)) {
        return true;
      }
    }
    return false;
  }
}
