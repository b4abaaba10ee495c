package com.ctcfile.token.transport.vertx;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.BearerFailures;
import com.ctcfile.token.core.BearerHosts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.Pipe;
import io.vertx.ext.web.client.impl.HttpContext;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The WebClient interceptor of {@link CtcBearerAuth}: sets the token on requests to configured hosts,
 * judged hop by hop, and replays a request once after a 401.
 *
 * <p>Per request it keeps three attributes on the Vert.x {@code HttpContext}: the body and content type
 * the request was sent with (to send them again), the token on the current hop (to recognise its own
 * header on a redirect, and to name the rejected token after a 401), and whether it replayed already.
 * The phases it acts in:
 * <ul>
 *   <li>{@code PREPARE_REQUEST}, first time only: remembers body and content type;
 *   <li>{@code CREATE_REQUEST} (the first hop, every redirect hop, the replay): drops the header it set
 *       on an earlier hop (Vert.x's redirect handler copies every header to the next hop, whatever its
 *       host), then, if the hop goes to a configured host and the caller set no {@code Authorization}
 *       of their own, sets the token from {@link TokenProvider#tokenAsync()};
 *   <li>{@code RECEIVE_RESPONSE}, before any byte of the body reaches the caller's codec: on a 401 to
 *       a hop it authorized, drops the body, calls {@link TokenProvider#renewAfterRejectionAsync} and
 *       prepares the request again, once.
 * </ul>
 * Continuations of the provider's stages hop back to the Vert.x context the phase ran on, so the
 * chain always goes on where Vert.x would have run it. Stateless itself, thread-safe.
 */
final class BearerInterceptor implements Handler<HttpContext<?>> {

  private static final String AUTHORIZATION = HttpHeaders.AUTHORIZATION.toString();
  private static final String ORIGINAL = "com.ctcfile.token.transport.vertx.original";
  private static final String SENT = "com.ctcfile.token.transport.vertx.sent";
  private static final String REPLAYED = "com.ctcfile.token.transport.vertx.replayed";

  private final TokenProvider provider;
  private final BearerHosts hosts;
  private final boolean allowInsecureHttp;

  BearerInterceptor(TokenProvider provider, BearerHosts hosts, boolean allowInsecureHttp) {
    this.provider = provider;
    this.hosts = hosts;
    this.allowInsecureHttp = allowInsecureHttp;
  }

  @Override
  public void handle(HttpContext<?> context) {
    if (TokenFetch.isTokenRequest(context.request())) {
      context.next();
      return;
    }
    switch (context.phase()) {
      case PREPARE_REQUEST:
        remember(context);
        context.next();
        break;
      case CREATE_REQUEST:
        authorize(context);
        break;
      case RECEIVE_RESPONSE:
        onResponse(context);
        break;
      default:
        context.next();
    }
  }

  private static void remember(HttpContext<?> context) {
    if (context.get(ORIGINAL) == null) {
      context.set(ORIGINAL, new Original(context.body(), context.contentType()));
    }
  }

  private void authorize(HttpContext<?> context) {
    RequestOptions options = context.requestOptions();
    AccessToken previous = context.get(SENT);
    context.set(SENT, null);
    if (previous != null && previous.authorizationHeaderValue().equals(header(options))) {
      options.removeHeader(AUTHORIZATION);
    }
    if (header(options) != null) {
      context.next(); // the caller's own Authorization: not ours to judge or replace
      return;
    }
    boolean ssl = Boolean.TRUE.equals(options.isSsl());
    String host = options.getHost();
    if (!hosts.matches(ssl ? "https" : "http", host, options.getPort() == null ? -1 : options.getPort())) {
      context.next();
      return;
    }
    if (!BearerHosts.mayCarryToken(ssl ? "https" : "http", host, allowInsecureHttp)) {
      String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
          + (options.getPort() == null ? "" : ":" + options.getPort());
      context.fail(BearerFailures.plainHttpRefused("http://" + authority, "allowInsecureHttp(true)"));
      return;
    }
    whenDone(stage(provider::tokenAsync), Vertx.currentContext(), (token, failure) -> {
      if (failure != null) {
        context.fail(failure);
        return;
      }
      options.putHeader(AUTHORIZATION, token.authorizationHeaderValue());
      context.set(SENT, token);
      context.next();
    });
  }

  private void onResponse(HttpContext<?> context) {
    HttpClientResponse response = context.clientResponse();
    AccessToken sent = context.get(SENT);
    if (sent == null || response.statusCode() != 401 || context.get(REPLAYED) != null) {
      context.next(); // includes the 401 of the replay: the caller gets it as it is
      return;
    }
    Original original = context.get(ORIGINAL);
    if (original == null || !original.replayable()) {
      // the caller gets this 401; the next call gets the renewed token
      BearerFailures.renewForNextCall(provider, sent);
      context.next();
      return;
    }
    context.set(REPLAYED, Boolean.TRUE);
    Context vertxContext = Vertx.currentContext();
    Future<Void> dropped = drop(response);
    whenDone(stage(() -> provider.renewAfterRejectionAsync(sent)), vertxContext, (renewed, failure) ->
        dropped.onComplete(ignored -> {
          if (failure != null) {
            context.fail(failure);
          } else {
            replay(context, original);
          }
        }));
  }

  // prepares the same request again: Vert.x builds fresh options and re-encodes the remembered body
  private static <T> void replay(HttpContext<T> context, Original original) {
    context.prepareRequest(context.request(), original.contentType, original.body);
  }

  // reads the 401 body to its end and throws it away, which keeps the connection usable
  private static Future<Void> drop(HttpClientResponse response) {
    Future<Void> end = response.end();
    response.handler(ignored -> { });
    response.resume();
    return end.recover(failure -> Future.succeededFuture());
  }

  /**
   * Runs {@code then} with the stage's outcome: at once if it is already complete (a valid token is
   * held, the usual case), otherwise on {@code vertxContext} when it completes, or on the completing
   * thread if the phase ran outside Vert.x.
   */
  private static <T> void whenDone(CompletionStage<T> stage, Context vertxContext, BiConsumer<T, Throwable> then) {
    CompletableFuture<T> future = completableOrNull(stage);
    if (future != null && future.isDone()) {
      deliver(future, then);
      return;
    }
    stage.whenComplete((value, failure) -> {
      if (vertxContext == null) {
        then.accept(value, failure == null ? null : BearerFailures.unwrap(failure));
      } else {
        vertxContext.runOnContext(ignored -> then.accept(value, failure == null ? null : BearerFailures.unwrap(failure)));
      }
    });
  }

  private static <T> void deliver(CompletableFuture<T> done, BiConsumer<T, Throwable> then) {
    T value;
    try {
      value = done.join();
    } catch (CompletionException | CancellationException e) {
      then.accept(null, BearerFailures.unwrap(e));
      return;
    }
    then.accept(value, null);
  }

  private static <T> CompletableFuture<T> completableOrNull(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture();
    } catch (UnsupportedOperationException notOffered) {
      return null;
    }
  }

  // a provider that throws instead of failing its stage is treated as if it had failed the stage
  private static <T> CompletionStage<T> stage(Supplier<CompletionStage<T>> call) {
    try {
      CompletionStage<T> stage = call.get();
      return stage != null ? stage
          : CompletableFuture.failedFuture(new CtcTokenException("the token provider returned no stage"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static String header(RequestOptions options) {
    MultiMap headers = options.getHeaders();
    return headers == null ? null : headers.get(AUTHORIZATION);
  }

  @Override
  public String toString() {
    return "BearerInterceptor{hosts=" + hosts + (allowInsecureHttp ? ", insecure http allowed" : "") + "}";
  }

  /** The body and content type a request was sent with; a piped stream cannot be sent twice. */
  private static final class Original {
    final Object body;
    final String contentType;

    Original(Object body, String contentType) {
      this.body = body;
      this.contentType = contentType;
    }

    boolean replayable() {
      return !(body instanceof Pipe);
    }
  }
}
