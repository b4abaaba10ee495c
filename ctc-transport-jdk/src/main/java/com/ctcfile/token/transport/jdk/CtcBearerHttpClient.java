package com.ctcfile.token.transport.jdk;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.BearerFailures;
import com.ctcfile.token.core.BearerHosts;
import com.ctcfile.token.core.BearerTargets;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A {@code java.net.http.HttpClient} that puts the CTC access token on the requests to the hosts
 * you name, and heals a 401 caused by a token renewed elsewhere. It wraps your client and is used
 * in its place:
 *
 * <pre>{@code
 * HttpClient http = CtcBearerHttpClient.builder(tokenProvider)   // e.g. a TokenManager
 *     .host("api.ctcfile.com")
 *     .build(HttpClient.newHttpClient());
 *
 * HttpResponse<String> reply = http.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString());
 * }</pre>
 *
 * <p><b>Which requests get the token.</b> {@code Authorization: Bearer <token>} is set only on
 * requests whose URI's host equals a configured host (literally, case-insensitively, a trailing
 * root dot ignored; no DNS, so {@code localhost} and {@code 127.0.0.1} differ) and, if the host was
 * configured with a port, whose port equals it too (a URI without a port has its scheme's default).
 * Every other request, including one with an absolute URI to another host, is handed to the wrapped
 * client untouched, and so is a request that already carries an {@code Authorization} header: it
 * keeps it, and its 401 is not handled. The token travels only over https, except to loopback hosts
 * or with {@link Builder#allowInsecureHttp(boolean) allowInsecureHttp(true)}: a configured host
 * reached over plain http fails with {@link CtcTokenException} before anything is sent.
 *
 * <p><b>Redirects.</b> On Java 17 the JDK client copies the request's headers, {@code Authorization}
 * included, onto a redirected request, whatever host it goes to. So the wrapped client must not
 * follow redirects ({@code HttpClient.Redirect.NEVER}, the JDK's default): {@link Builder#build}
 * refuses one that does. A 3xx reply reaches you as it came; a request you then make to its
 * {@code Location} is judged by its own host like any other.
 *
 * <p><b>401 handling.</b> When a request that carried the token gets a 401, the token it carried is
 * handed to {@link TokenProvider#renewAfterRejection} ({@code send}) or
 * {@link TokenProvider#renewAfterRejectionAsync} ({@code sendAsync}), which returns a newer token,
 * fetching one only if nobody has yet. Then:
 * <ul>
 *   <li>a <em>replayable</em> request has its 401 body discarded, unseen by your body handler, and is
 *       sent <em>once</em> more, with the same method, URI, headers, body, timeout and version and the
 *       new token. Whatever that replay gets, a second 401 included, is what you get. Replayable are
 *       requests without a body publisher and those whose publisher the JDK made with
 *       {@code BodyPublishers.noBody()}, {@code ofString(..)}, {@code ofByteArray(..)} or
 *       {@code ofFile(..)}: each starts over from its first byte when sent again;
 *   <li>any other request ({@code ofInputStream(..)}, {@code ofByteArrays(..)}, {@code concat(..)},
 *       {@code fromPublisher(..)}, a publisher of your own) gets its 401 as is. The renewal still
 *       happens, so the next call carries the new token: {@code send} renews before it returns the
 *       401, {@code sendAsync} in the background. A failed renewal is then only logged (at
 *       {@code DEBUG}, System.Logger {@code com.ctcfile.token.core.BearerFailures}): the 401 is that
 *       call's answer, and the next call reports the problem if it persists.
 * </ul>
 *
 * <p><b>Failures.</b> If the provider cannot give a token, the call fails with the provider's
 * unchecked {@link CtcTokenException} (a {@code CtcApiException}, {@code TokenTransportException},
 * {@code RenewalRateLimitedException}...): {@code send} throws it as is, the future of
 * {@code sendAsync} fails with it as its cause. This includes a renewal after a 401 on a replayable
 * request. The wrapped client's own failures ({@code IOException}...) reach you as it reports them.
 *
 * <p><b>Threads.</b> Immutable and thread-safe; share one. {@code send} may block in
 * {@link TokenProvider#token()} while no valid token is held, as any {@code send} blocks.
 * {@code sendAsync} never blocks the calling thread: it asks only the provider's {@code *Async}
 * methods, and continues on the thread that completes them or on the wrapped client's executor.
 * Cancelling its future cancels the exchange in flight.
 *
 * <p><b>Not covered.</b> {@link #newWebSocketBuilder()} is the wrapped client's: a WebSocket
 * handshake does not get the token (add the header to the WebSocket builder yourself). HTTP/2 push
 * promises are handed to your {@code PushPromiseHandler} as the wrapped client delivers them, with
 * the pushing request's headers; those of a discarded 401 exchange included. Every getter
 * ({@link #version()}, {@link #executor()}, {@link #sslContext()}...) is the wrapped client's. This
 * client owns nothing: on Java 21 and later its {@code close()} and {@code shutdown()} do nothing;
 * close the client you wrapped.
 */
public final class CtcBearerHttpClient extends HttpClient {

  private static final String AUTHORIZATION = "Authorization";
  private static final int UNAUTHORIZED = 401;

  private final HttpClient client;
  private final TokenProvider tokens;
  private final BearerTargets targets;

  private CtcBearerHttpClient(HttpClient client, TokenProvider tokens, BearerTargets targets) {
    this.client = client;
    this.tokens = tokens;
    this.targets = targets;
  }

  /**
   * A builder for a client taking its tokens from {@code tokenProvider}; at least one
   * {@link Builder#host(String) host} is required.
   *
   * @throws NullPointerException if {@code tokenProvider} is null
   */
  public static Builder builder(TokenProvider tokenProvider) {
    return new Builder(Objects.requireNonNull(tokenProvider, "tokenProvider"));
  }

  /**
   * Sends {@code request} through the wrapped client, with the token if its host is configured.
   *
   * @throws CtcTokenException (unchecked) if no token can be had, or a configured host would get it
   *     over plain http
   * @throws IOException as the wrapped client throws it
   * @throws InterruptedException as the wrapped client throws it
   */
  @Override
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> responseBodyHandler)
      throws IOException, InterruptedException {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(responseBodyHandler, "responseBodyHandler");
    if (!authorizes(request)) {
      return client.send(request, responseBodyHandler);
    }
    AccessToken token = tokens.token();
    boolean replayable = ReplayableBodies.canReplay(request);
    HttpResponse<T> response = client.send(withToken(request, token),
        replayable ? unlessRejected(responseBodyHandler) : responseBodyHandler);
    if (response.statusCode() != UNAUTHORIZED) {
      return response;
    }
    if (!replayable) {
      // before the 401 goes back, so that the caller's next call carries the renewed token
      BearerFailures.renewForNextCall(tokens, token).join();
      return response;
    }
    return client.send(withToken(request, tokens.renewAfterRejection(token)), responseBodyHandler);
  }

  /** As {@link #sendAsync(HttpRequest, BodyHandler, PushPromiseHandler)} without push promises. */
  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> responseBodyHandler) {
    return sendAsync(request, responseBodyHandler, null);
  }

  /**
   * Sends {@code request} through the wrapped client without blocking, with the token if its host
   * is configured. The future fails with the provider's {@link CtcTokenException} if no token can be
   * had, with {@link CtcTokenException} if a configured host would get it over plain http, and
   * otherwise as the wrapped client's does.
   */
  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> responseBodyHandler,
      PushPromiseHandler<T> pushPromiseHandler) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(responseBodyHandler, "responseBodyHandler");
    boolean authorize;
    try {
      authorize = authorizes(request);
    } catch (CtcTokenException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    if (!authorize) {
      return client.sendAsync(request, responseBodyHandler, pushPromiseHandler);
    }
    return new AsyncExchange<>(request, responseBodyHandler, pushPromiseHandler).start();
  }

  /** The wrapped client's; its handshake does not get the token. */
  @Override
  public WebSocket.Builder newWebSocketBuilder() {
    return client.newWebSocketBuilder();
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return client.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return client.connectTimeout();
  }

  /** Always {@link HttpClient.Redirect#NEVER}: a client that follows redirects cannot be wrapped. */
  @Override
  public Redirect followRedirects() {
    return client.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return client.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return client.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return client.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return client.authenticator();
  }

  @Override
  public Version version() {
    return client.version();
  }

  @Override
  public Optional<Executor> executor() {
    return client.executor();
  }

  @Override
  public String toString() {
    return "CtcBearerHttpClient{" + targets + ", client=" + client + "}";
  }

  /** The client this one sends through. */
  HttpClient wrapped() {
    return client;
  }

  /**
   * Whether {@code request} gets the token: not when it carries an {@code Authorization} header of
   * its own, not for hosts outside the configured set.
   *
   * @throws CtcTokenException if it should get the token but would carry it over plain http to a host
   *     that is not loopback, and insecure http was not allowed
   */
  private boolean authorizes(HttpRequest request) {
    return request.headers().firstValue(AUTHORIZATION).isEmpty() && targets.authorizes(request.uri());
  }

  private static HttpRequest withToken(HttpRequest request, AccessToken token) {
    return HttpRequest.newBuilder(request, (name, value) -> true)
        .setHeader(AUTHORIZATION, token.authorizationHeaderValue())
        .build();
  }

  // the 401 of a request about to be replayed is drained and dropped, never shown to the caller's handler
  private static <T> BodyHandler<T> unlessRejected(BodyHandler<T> handler) {
    return info -> info.statusCode() == UNAUTHORIZED ? BodySubscribers.replacing(null) : handler.apply(info);
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** One {@code sendAsync} of a request that gets the token: the first exchange and at most one replay. */
  private final class AsyncExchange<T> {
    private final HttpRequest request;
    private final BodyHandler<T> handler;
    private final PushPromiseHandler<T> pushes;
    private final boolean replayable;
    private final CompletableFuture<HttpResponse<T>> result = new CompletableFuture<>();
    // the exchange in flight, cancelled when the caller cancels the result
    private final AtomicReference<CompletableFuture<HttpResponse<T>>> inFlight = new AtomicReference<>();

    AsyncExchange(HttpRequest request, BodyHandler<T> handler, PushPromiseHandler<T> pushes) {
      this.request = request;
      this.handler = handler;
      this.pushes = pushes;
      this.replayable = ReplayableBodies.canReplay(request);
    }

    CompletableFuture<HttpResponse<T>> start() {
      result.whenComplete((response, error) -> {
        CompletableFuture<HttpResponse<T>> exchange = inFlight.get();
        if (result.isCancelled() && exchange != null) {
          exchange.cancel(true);
        }
      });
      CompletionStage<AccessToken> first;
      try {
        first = tokens.tokenAsync();
      } catch (RuntimeException failed) {
        result.completeExceptionally(failed);
        return result;
      }
      first.thenCompose(token -> exchange(token, replayable ? unlessRejected(handler) : handler)
              .thenCompose(response -> afterReply(token, response)))
          .whenComplete((response, error) -> {
            if (error == null) {
              result.complete(response);
            } else {
              result.completeExceptionally(unwrap(error));
            }
          });
      return result;
    }

    private CompletableFuture<HttpResponse<T>> exchange(AccessToken token, BodyHandler<T> bodyHandler) {
      if (result.isDone()) {
        // cancelled while the token was on its way: send nothing
        return CompletableFuture.failedFuture(new CancellationException("cancelled before it was sent"));
      }
      CompletableFuture<HttpResponse<T>> exchange = client.sendAsync(withToken(request, token), bodyHandler, pushes);
      inFlight.set(exchange);
      if (result.isCancelled()) {
        exchange.cancel(true);
      }
      return exchange;
    }

    private CompletionStage<HttpResponse<T>> afterReply(AccessToken used, HttpResponse<T> response) {
      if (response.statusCode() != UNAUTHORIZED) {
        return CompletableFuture.completedFuture(response);
      }
      if (!replayable) {
        BearerFailures.renewForNextCall(tokens, used);
        return CompletableFuture.completedFuture(response);
      }
      return tokens.renewAfterRejectionAsync(used).thenCompose(renewed -> exchange(renewed, handler));
    }
  }

  /**
   * Configures a {@link CtcBearerHttpClient}. Setters validate at once and fail with
   * {@link IllegalArgumentException} or {@link NullPointerException}; not thread-safe. One builder
   * may build any number of clients.
   */
  public static final class Builder {
    private final TokenProvider provider;
    private final List<String> hosts = new ArrayList<>();
    private boolean allowInsecureHttp;

    private Builder(TokenProvider provider) {
      this.provider = provider;
    }

    /**
     * Adds a host that gets the token: a name or IP address, optionally with a port, such as
     * {@code api.ctcfile.com}, {@code 127.0.0.1:8080} or {@code [::1]:8443}; not a URL. Without a
     * port every port of the host matches. Names are compared case-insensitively and literally, a
     * trailing root dot ignored: no DNS lookup, so {@code localhost} and {@code 127.0.0.1} are
     * different hosts.
     */
    public Builder host(String host) {
      BearerHosts.validate(host);
      hosts.add(host);
      return this;
    }

    /**
     * Allows the token over plain http to hosts that are not loopback. Off by default: the token
     * would cross the network in clear text.
     */
    public Builder allowInsecureHttp(boolean allow) {
      this.allowInsecureHttp = allow;
      return this;
    }

    /**
     * A client that sends through {@code client}, which it never closes.
     *
     * @throws NullPointerException if {@code client} is null
     * @throws IllegalStateException if no host was added
     * @throws IllegalArgumentException if {@code client} follows redirects (see the class documentation)
     */
    public CtcBearerHttpClient build(HttpClient client) {
      Objects.requireNonNull(client, "client");
      BearerTargets targets = BearerTargets.of(hosts, allowInsecureHttp);
      if (client.followRedirects() != Redirect.NEVER) {
        throw new IllegalArgumentException("the client follows redirects (" + client.followRedirects()
            + "): on Java 17 the JDK copies the Authorization header onto a redirected request, whatever its"
            + " host, so the token could leak. Build the client with followRedirects(HttpClient.Redirect.NEVER),"
            + " the JDK's default");
      }
      return new CtcBearerHttpClient(client, provider, targets);
    }

    @Override
    public String toString() {
      return "CtcBearerHttpClient.Builder{hosts=" + hosts + (allowInsecureHttp ? ", insecure http allowed" : "") + "}";
    }
  }
}
