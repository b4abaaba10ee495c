package com.ctcfile.token.transport.httpclient5;

import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.port.TransportRequest;
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
 * Turns what HttpClient reports into {@link TokenTransportException}s that never reveal the query of
 * the token request, which carries the client secret.
 */
final class TransportFailures {

  // shorter query values are too common to tell a leak from an accident ("0", "abc")
  private static final int SHORTEST_SECRET_FRAGMENT = 4;

  private TransportFailures() {}

  /** {@code "<request> <what>: <cause>"}, with the cause replaced if its chain quotes the query. */
  static TokenTransportException transport(TransportRequest request, String what, Throwable cause) {
    Throwable safe = safeCause(cause, request.uri());
    return new TokenTransportException(request + " " + what + ": " + describe(safe), safe);
  }

  /**
   * {@code cause} itself if no message in its chain contains the URI's query or one of its values;
   * otherwise a stand-in naming only the cause's type, with its stack trace, and no further chain.
   */
  static Throwable safeCause(Throwable cause, URI uri) {
    List<String> fragments = secretFragments(uri);
    if (fragments.isEmpty()) {
      return cause;
    }
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = cause; t != null && seen.add(t); t = t.getCause()) {
      if (quotesAny(t.getMessage(), fragments) || quotesAny(t.getLocalizedMessage(), fragments)) {
        IOException standIn = new IOException(cause.getClass().getName()
            + " (message withheld: it quoted the token request's query)");
        standIn.setStackTrace(cause.getStackTrace());
        return standIn;
      }
    }
    return cause;
  }

  static String describe(Throwable cause) {
    String message = cause.getMessage();
    String type = cause.getClass().getSimpleName().isEmpty() ? cause.getClass().getName() : cause.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }

  private static List<String> secretFragments(URI uri) {
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
