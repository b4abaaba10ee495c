package com.ctcfile.token.transport.vertx;

import com.ctcfile.token.CtcTokenException;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Turns what Vert.x reports about a token request into the exceptions of the {@code Transport}
 * contract, so that nothing reveals the request's query, which carries the client secret.
 *
 * <p>Vert.x writes the whole request URI into some of its messages (an idle timeout says
 * {@code "... while executing GET /oauth/accesstoken?clientId=..&clientSecret=.."}). Such a cause is
 * never attached as is: it is replaced by a stand-in that names only its type.
 */
final class FetchFailures {

  // shorter query values are too common to tell a leak from an accident ("0", "abc")
  private static final int SHORTEST_SECRET_FRAGMENT = 4;

  private FetchFailures() {}

  /** What a failed exchange completes with: a ctc-token exception found in the chain, or a transport failure. */
  static CtcTokenException translate(TransportRequest request, Throwable failure) {
    Throwable cause = unwrap(failure);
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = cause; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof CtcTokenException) {
        return (CtcTokenException) t;
      }
    }
    Throwable safe = safeCause(cause, request.uri());
    if (cause instanceof TimeoutException) {
      return new TokenTransportException(request + " got no connection within its timeout: " + describe(safe), safe);
    }
    return new TokenTransportException(request + " failed: " + describe(safe), safe);
  }

  /** The exception of a whole exchange that ran past {@link TransportRequest#timeout()}. */
  static TokenTransportException timedOut(TransportRequest request) {
    return new TokenTransportException("no complete reply to " + request + " within "
        + request.timeout().toMillis() + " ms", null);
  }

  /**
   * {@code cause} itself if no message in its chain (causes and suppressed ones) quotes the URI's
   * query or one of its values; otherwise a stand-in naming only the cause's type, with its stack
   * trace and no further chain.
   */
  static Throwable safeCause(Throwable cause, URI uri) {
    List<String> fragments = secretFragments(uri);
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

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    String type = cause.getClass().getSimpleName().isEmpty() ? cause.getClass().getName() : cause.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
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
