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
 * {@code "... while executing GET /oauth/accesstoken?clientId=..&clientSecret=.."}), so every cause goes
 * through {@link TransportRequest#failure}, which replaces such a cause by a stand-in naming its type.
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
    return request.failure(cause instanceof TimeoutException ? "got no connection within its timeout" : "failed", cause);
  }

  /** The exception of a whole exchange that ran past {@link TransportRequest#timeout()}. */
  static TokenTransportException timedOut(TransportRequest request) {
    return new TokenTransportException("no complete reply to " + request + " within "
        + request.timeout().toMillis() + " ms", null);
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
