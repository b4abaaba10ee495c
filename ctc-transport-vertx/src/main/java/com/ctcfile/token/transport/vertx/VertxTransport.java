package com.ctcfile.token.transport.vertx;

import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link Transport} of ctc-token on the Vert.x 5 Web Client: sends the token request without
 * ever blocking a thread, an event loop least of all.
 *
 * <pre>{@code
 * TokenManager tokens = TokenManager.builder()
 *     .endpoint(URI.create("https://coresite.ctcfile.com"))
 *     .clientId("...").clientSecret("...")
 *     .transport(VertxTransport.create(vertx))   // its own WebClient on your Vertx
 *     .build();
 * }</pre>
 *
 * <p><b>Ownership.</b> {@link #create(Vertx)} makes a {@code WebClient} of its own on the given
 * {@code Vertx} and closes it on {@link #close()}; it never closes the {@code Vertx}.
 * {@link #create(WebClient)} sends through the caller's client and never closes it. Either way
 * {@code TokenManager} closes the transport when it is closed.
 *
 * <p><b>What is sent.</b> {@code GET} of the request URI exactly as given, with
 * {@code Accept: application/json}; no redirect is followed. The reply body is streamed into a
 * buffer of at most {@link TransportRequest#maxBodyBytes()} (64 KiB): the first byte past it fails
 * the fetch with {@link com.ctcfile.token.TokenProtocolException} and closes the connection. Core
 * bounds the whole exchange and cancels the stage when its deadline passes or the manager closes;
 * a cancelled stage resets the Vert.x request, which closes its connection. Refused, dropped or
 * failing connections fail with {@link com.ctcfile.token.TokenTransportException}. Every status, 4xx
 * and 5xx included, is a response. No message names the query, which carries the client secret.
 *
 * <p><b>A caller's WebClient.</b> Pass a plain client: interceptors already on it (a
 * {@code WebClientSession}'s cookies, a {@code CachingWebClient}'s cache, your own logging) also see
 * the token request. A caller's client made with {@code setLogActivity(true)} hex-dumps the token
 * request, secret included, to Netty's {@code io.netty.handler.logging.LoggingHandler} logger at
 * {@code DEBUG}: see {@link #requestLoggersEnabled()}. The Web Client offers no public way to
 * abort a request, so this transport adds
 * one stateless interceptor to the client (the mechanism Vert.x's own {@code OAuth2WebClient} uses)
 * that only acts on token requests; every other request of the client passes it untouched. A client
 * with {@link CtcBearerAuth} installed may be shared: token requests never get the bearer. That
 * interceptor API is internal to Vert.x ({@code io.vertx.ext.web.client.impl}), so this module runs
 * on the class path; on the module path add
 * {@code --add-exports io.vertx.web.client/io.vertx.ext.web.client.impl=com.ctcfile.token.transport.vertx}.
 *
 * <p><b>Threads.</b> Thread-safe; {@link #send} returns at once from any thread and completes the
 * stage on the client's event loop, where core's continuation runs (it never blocks).
 */
public final class VertxTransport implements Transport {

  static final String ACTIVITY_LOGGER = "io.netty.handler.logging.LoggingHandler";

  private final WebClient client;
  private final boolean ownsClient;
  private final AtomicBoolean closed = new AtomicBoolean();

  private VertxTransport(WebClient client, boolean ownsClient) {
    this.client = client;
    this.ownsClient = ownsClient;
    TokenFetchInterceptor.installOn(client);
  }

  /**
   * A transport with a {@code WebClient} of its own on {@code vertx} (redirects off, otherwise Vert.x
   * defaults), closed with the transport. The {@code Vertx} is never closed.
   *
   * @throws NullPointerException if {@code vertx} is null
   */
  public static VertxTransport create(Vertx vertx) {
    Objects.requireNonNull(vertx, "vertx");
    return new VertxTransport(WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false)), true);
  }

  /**
   * A transport sending through {@code client}, which it never closes. See the class documentation
   * for what a caller's client should and should not have.
   *
   * @throws NullPointerException if {@code client} is null
   */
  public static VertxTransport create(WebClient client) {
    return new VertxTransport(Objects.requireNonNull(client, "client"), false);
  }

  @Override
  public CompletionStage<TransportResponse> send(TransportRequest request) {
    Objects.requireNonNull(request, "request");
    if (closed.get()) {
      return CompletableFuture.failedFuture(request.notSent("the transport is closed"));
    }
    TokenFetch fetch = new TokenFetch(request);
    try {
      HttpRequest<Buffer> http = client.request(HttpMethod.GET, options(request))
          .putHeader(HttpHeaders.ACCEPT.toString(), "application/json");
      http.as(fetch).send().onComplete(fetch::completed);
    } catch (RuntimeException e) {
      // a closed client throws here rather than failing the future
      return CompletableFuture.failedFuture(request.notSent("the client refused it (" + e.getClass().getSimpleName() + ")"));
    }
    return fetch.result();
  }

  /** Closes the transport's own WebClient, if it made one; a caller's client is left open. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownsClient) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "VertxTransport{" + (ownsClient ? "own WebClient" : "caller's WebClient") + (closed.get() ? ", closed" : "") + "}";
  }

  /**
   * Netty's activity logger, {@code io.netty.handler.logging.LoggingHandler}, if it is enabled at
   * {@code DEBUG} and this transport sends through a caller's client: a client made with
   * {@code setLogActivity(true)} hex-dumps every request there, query and secret included, and a
   * caller's client's options cannot be read. A transport's own client never logs activity, so it
   * names none.
   */
  @Override
  public List<String> requestLoggersEnabled() {
    return !ownsClient && InternalLoggerFactory.getInstance(ACTIVITY_LOGGER).isDebugEnabled()
        ? List.of(ACTIVITY_LOGGER) : List.of();
  }

  // host, port and the raw path and query as given: nothing is decoded and encoded again
  private static RequestOptions options(TransportRequest request) {
    URI uri = request.uri();
    boolean ssl = "https".equals(uri.getScheme().toLowerCase(Locale.ROOT));
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return new RequestOptions()
        .setHost(host)
        .setPort(uri.getPort() >= 0 ? uri.getPort() : ssl ? 443 : 80)
        .setSsl(ssl)
        .setURI(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery())
        .setFollowRedirects(false)
        // a second guard: core's deadline cancels the whole exchange
        .setConnectTimeout(request.timeout().toMillis());
  }
}
