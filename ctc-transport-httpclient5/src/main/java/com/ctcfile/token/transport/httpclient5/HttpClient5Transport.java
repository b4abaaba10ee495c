package com.ctcfile.token.transport.httpclient5;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The ctc-token {@link Transport} on the Apache HttpClient 5 <em>async</em> client.
 *
 * <pre>{@code
 * TokenManager.builder()
 *     .endpoint(URI.create("https://coresite.ctcfile.com"))
 *     .clientId("...").clientSecret("...")
 *     .transport(HttpClient5Transport.create())   // or create(yourAsyncClient)
 *     .build();
 * }</pre>
 *
 * <p><b>Two ways to make one.</b> {@link #create()} and {@link #builder()} build a small client of
 * the transport's own (one I/O thread, no redirects, no automatic retries, no cookies; connect
 * timeout 5 s and response timeout 10 s unless configured) and close it in {@link #close()}.
 * {@link #create(CloseableHttpAsyncClient)} sends through the caller's client, starting it if it has
 * not been started, and never closes it. A caller's client keeps its own connection pool, TLS, proxy
 * and retry settings; per request the transport only turns redirects off and sets the timeouts (a
 * per-request {@link RequestConfig} replaces the client's default one for this request). Its retry
 * strategy still applies: HttpClient's default one repeats a token request once after a 429 or 503
 * reply and after some I/O failures, hiding those from the token manager, which has a backoff of
 * its own. Build the client with {@code disableAutomaticRetries()} for a transport that reports
 * every reply as it came, as the port's contract asks.
 *
 * <p><b>What a send does.</b> A {@code GET} of the request URI exactly as given (the query, which
 * carries the already encoded client secret, is passed on raw), with {@code Accept:
 * application/json}; no redirect is followed. The reply body is streamed into a buffer that stops
 * at {@link TransportRequest#maxBodyBytes()}: a longer body (or a longer {@code Content-Length})
 * completes the stage with {@link com.ctcfile.token.TokenProtocolException} and aborts the exchange,
 * so the connection is dropped instead of being drained. Core bounds the whole exchange and cancels
 * the stage when its deadline passes; a cancelled stage aborts the exchange and drops its connection
 * at once. {@link TransportRequest#timeout()} also bounds the wait for a pooled connection and, on
 * an owned client, caps the response timeout.
 *
 * <p><b>Failures.</b> The stage completes exceptionally with {@link TokenTransportException} on I/O
 * errors, refused or dropped connections, HttpClient's own timeouts and sends after {@link #close()}
 * (a refused connection and a send after close with {@code outcomeUnknown() == false}), and with
 * {@link com.ctcfile.token.TokenProtocolException} for an oversized body. Any HTTP status completes
 * normally. Messages name the request by {@link TransportRequest#redactedUri()}; an HttpClient
 * exception whose message would reveal the query is replaced in the cause chain by one naming only
 * its type.
 *
 * <p><b>Logging.</b> HttpClient prints the token request's line, and with it the client secret, on
 * the loggers {@link #requestLoggersEnabled()} names, at {@code DEBUG}: keep them above it.
 *
 * <p>Thread-safe; {@link #send} never blocks: the stage completes on the client's I/O thread. Keep
 * code chained to it short.
 */
public final class HttpClient5Transport implements Transport {

  /** The connect timeout of an owned client unless {@link Builder#connectTimeout} says otherwise. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** The response (socket read) timeout of an owned client unless {@link Builder#responseTimeout} says otherwise. */
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(10);

  private static final AtomicInteger INSTANCES = new AtomicInteger();
  static final List<String> REQUEST_LOGGERS = List.of(
      "org.apache.hc.client5.http.headers",
      "org.apache.hc.client5.http.wire",
      "org.apache.hc.client5.http.impl.async.HttpAsyncMainClientExec",
      "org.apache.hc.client5.http.impl.async.H2AsyncMainClientExec");

  private final CloseableHttpAsyncClient client;
  private final boolean ownsClient;
  private final Duration responseTimeout;
  private final String threadNamePrefix;
  private final AtomicBoolean closed = new AtomicBoolean();
  // exchanges still running, failed on close so that no caller waits for a client that is gone
  private final Map<CompletableFuture<TransportResponse>, TransportRequest> inFlight = new ConcurrentHashMap<>();

  private HttpClient5Transport(CloseableHttpAsyncClient client, boolean ownsClient, Duration responseTimeout,
      String threadNamePrefix) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.responseTimeout = responseTimeout;
    this.threadNamePrefix = threadNamePrefix;
  }

  /** A transport with a client of its own and the default timeouts (connect 5 s, response 10 s); closed with it. */
  public static HttpClient5Transport create() {
    return builder().build();
  }

  /**
   * A transport that sends through {@code client}: started here if it has not been started yet,
   * never closed by this transport. Prefer a client built with {@code disableAutomaticRetries()}
   * (see the class documentation). The client may be shared with the rest of the
   * application, including one with {@link CtcBearerAuth} installed: the integration leaves the
   * transport's own token requests alone.
   *
   * @throws NullPointerException if {@code client} is null
   */
  public static HttpClient5Transport create(CloseableHttpAsyncClient client) {
    Objects.requireNonNull(client, "client");
    // a no-op for a client that was started already (or closed: sends through it then fail)
    client.start();
    return new HttpClient5Transport(client, false, null, null);
  }

  /** A builder for a transport with a client of its own. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletionStage<TransportResponse> send(TransportRequest request) {
    Objects.requireNonNull(request, "request");
    CompletableFuture<TransportResponse> result = new CompletableFuture<>();
    inFlight.put(result, request);
    // checked after registering: close() either fails this send or is seen here
    if (closed.get()) {
      inFlight.remove(result);
      result.completeExceptionally(request.notSent("the transport is closed"));
      return result;
    }
    BasicHttpRequest get = new BasicHttpRequest(Method.GET, request.uri());
    get.setHeader(HttpHeaders.ACCEPT, "application/json");
    HttpClientContext context = HttpClientContext.create();
    context.setRequestConfig(requestConfig(request.timeout()));
    context.setAttribute(CtcBearerAuth.TRANSPORT_REQUEST, Boolean.TRUE);

    Future<TransportResponse> exchange;
    try {
      exchange = client.execute(new BasicRequestProducer(get, null),
          new BoundedBodyConsumer(request, result), null, context, new Outcome(request, result));
    } catch (RuntimeException e) {
      // a client that was closed or never started refuses at once
      inFlight.remove(result);
      result.completeExceptionally(request.notSent("the client does not run (" + e.getClass().getSimpleName() + ")"));
      return result;
    }
    result.whenComplete((response, error) -> {
      inFlight.remove(result);
      if (error != null) {
        // core's deadline or close cancelled the stage, or the body overflowed: abort, dropping the
        // connection; a no-op when HttpClient itself ended the exchange
        exchange.cancel(true);
      }
    });
    return result;
  }

  /**
   * The HttpClient loggers that print the token request's line, query and secret included, and are
   * enabled now: {@code org.apache.hc.client5.http.headers}, {@code org.apache.hc.client5.http.wire}
   * and the main exec elements {@code org.apache.hc.client5.http.impl.async.HttpAsyncMainClientExec}
   * and {@code H2AsyncMainClientExec} (which log "executing GET <uri>"), each at {@code DEBUG}, as
   * SLF4J reports them; a level set on a parent such as {@code org.apache.hc} counts.
   */
  @Override
  public List<String> requestLoggersEnabled() {
    List<String> enabled = new ArrayList<>();
    for (String name : REQUEST_LOGGERS) {
      if (LoggerFactory.getLogger(name).isDebugEnabled()) {
        enabled.add(name);
      }
    }
    return List.copyOf(enabled);
  }

  /**
   * Fails every exchange still running with {@link TokenTransportException}; closes the client only
   * if this transport made it, waiting briefly for its threads to end. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    inFlight.forEach((pending, request) -> pending.completeExceptionally(request.failure("aborted: the transport is closed", null)));
    if (ownsClient) {
      client.close(CloseMode.GRACEFUL);
      try {
        client.awaitShutdown(TimeValue.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "HttpClient5Transport{" + (ownsClient ? "own client " + threadNamePrefix : "caller's client")
        + (closed.get() ? ", closed" : "") + "}";
  }

  /** The name prefix of the threads of an owned client, {@code null} for a caller's client; for tests. */
  String threadNamePrefix() {
    return threadNamePrefix;
  }

  private RequestConfig requestConfig(Duration timeout) {
    Duration response = responseTimeout == null || timeout.compareTo(responseTimeout) < 0 ? timeout : responseTimeout;
    return RequestConfig.custom()
        .setRedirectsEnabled(false)
        .setConnectionRequestTimeout(Timeout.of(timeout))
        .setResponseTimeout(Timeout.of(response))
        .build();
  }

  /** Completes the stage from HttpClient's callback; the first completion of the stage wins. */
  private static final class Outcome implements FutureCallback<TransportResponse> {
    private final TransportRequest request;
    private final CompletableFuture<TransportResponse> result;

    Outcome(TransportRequest request, CompletableFuture<TransportResponse> result) {
      this.request = request;
      this.result = result;
    }

    @Override
    public void completed(TransportResponse response) {
      result.complete(response);
    }

    @Override
    public void failed(Exception cause) {
      result.completeExceptionally(cause instanceof CtcTokenException
          ? cause
          : request.failure("failed", cause));
    }

    @Override
    public void cancelled() {
      result.completeExceptionally(request.failure("was cancelled by the client", null));
    }
  }

  /**
   * Configures a transport with a client of its own. Setters validate at once; not thread-safe.
   */
  public static final class Builder {
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;

    private Builder() {}

    /** The TCP (and TLS) connect timeout. Default 5 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = requirePositive(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * The longest silence while waiting for reply bytes. Default 10 s. Each request is further
     * bounded as a whole by its own {@link TransportRequest#timeout()}, which the token manager sets
     * from its fetch timeout.
     */
    public Builder responseTimeout(Duration responseTimeout) {
      this.responseTimeout = requirePositive(responseTimeout, "responseTimeout");
      return this;
    }

    /** Builds and starts the client; the transport closes it in {@link HttpClient5Transport#close()}. */
    public HttpClient5Transport build() {
      String prefix = "ctc-token-httpclient5-" + INSTANCES.incrementAndGet() + "-";
      CloseableHttpAsyncClient client = HttpAsyncClients.custom()
          .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
              .setDefaultConnectionConfig(ConnectionConfig.custom()
                  .setConnectTimeout(Timeout.of(connectTimeout))
                  .setSocketTimeout(Timeout.of(responseTimeout))
                  .build())
              .build())
          .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build())
          .setThreadFactory(daemonThreads(prefix))
          .disableRedirectHandling()
          // core owns retries: a hidden second fetch would invalidate the token the first one got
          .disableAutomaticRetries()
          .disableCookieManagement()
          .disableAuthCaching()
          .build();
      client.start();
      return new HttpClient5Transport(client, true, responseTimeout, prefix);
    }

    @Override
    public String toString() {
      return "HttpClient5Transport.Builder{connectTimeout=" + connectTimeout + ", responseTimeout=" + responseTimeout + "}";
    }

    private static ThreadFactory daemonThreads(String prefix) {
      AtomicInteger number = new AtomicInteger();
      return task -> {
        Thread thread = new Thread(task, prefix + number.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      };
    }

    private static Duration requirePositive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }
  }
}
