package com.ctcfile.token.core;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenProvider;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * What every bearer integration reports alike when the token cannot simply go on a request: the
 * provider's failure as the provider raised it, the refusal to send the token over plain http, and
 * a failed renewal after a 401 that already reached its caller. Shared so that the HttpClient 5,
 * Vert.x, Micronaut and every later integration fail with the same types and the same words.
 * Stateless and thread-safe.
 */
public final class BearerFailures {

  private BearerFailures() {}

  /**
   * The failure a provider's stage (or a future's {@code get}) reports, without the
   * {@link CompletionException} and {@link ExecutionException} wrappers the JDK adds, so that the
   * caller sees the provider's own {@link CtcTokenException} subtype. A throwable that is not an
   * {@link Exception} is wrapped in a {@link CtcTokenException} naming its type, for integrations
   * whose callbacks take exceptions only.
   */
  public static Exception unwrap(Throwable failure) {
    Objects.requireNonNull(failure, "failure");
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof Exception ? (Exception) t
        : new CtcTokenException("the token provider failed: " + t.getClass().getName(), t);
  }

  /**
   * The failure of a request that would carry the token over plain http to a host that is not
   * loopback (see {@link BearerHosts#mayCarryToken}).
   *
   * @param target scheme and authority of the request, e.g. {@code http://api.ctcfile.com:8080}; never
   *     a URI with a query
   * @param howToAllow how this integration allows plain http, e.g. {@code allowInsecureHttp(true)}
   */
  public static CtcTokenException plainHttpRefused(String target, String howToAllow) {
    return new CtcTokenException("refusing to send the CTC access token to " + target
        + " over plain http: it would cross the network in clear text. Use https, or " + howToAllow);
  }

  /**
   * Renews after the 401 of a request that cannot be replayed (its body was a stream), so that the
   * next call finds a good token; that 401 is the call's answer either way. Calls only
   * {@link TokenProvider#renewAfterRejectionAsync}, so it never blocks. A failure, thrown or
   * reported by the stage, is logged at {@code DEBUG} on the {@link System.Logger} named after this
   * class, with the failure's type and message only (which never hold a token or the secret), and
   * then dropped: the next call reports it if it persists.
   *
   * @return a stage that completes normally once the renewal is over, whatever its outcome
   */
  public static CompletableFuture<Void> renewForNextCall(TokenProvider provider, AccessToken rejected) {
    CompletionStage<AccessToken> renewal;
    try {
      renewal = provider.renewAfterRejectionAsync(rejected);
    } catch (RuntimeException e) {
      renewal = CompletableFuture.failedFuture(e);
    }
    return renewal.handle((renewed, failure) -> {
      if (failure != null) {
        Exception cause = unwrap(failure);
        // looked up here, not in a static field: the first lookup of a System.Logger can take long
        // enough to trip a blocked-thread check, and the other methods run on event loops
        System.getLogger(BearerFailures.class.getName()).log(Level.DEBUG, () -> "renewal after a 401 on a request that cannot be replayed failed: "
            + cause.getClass().getSimpleName() + ": " + cause.getMessage());
      }
      return (Void) null;
    }).toCompletableFuture();
  }
}
