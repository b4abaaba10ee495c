package com.ctcfile.token.transport.jdk;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.port.InFlightSends;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ctc-token {@link Transport} on the JDK's own {@code java.net.http.HttpClient}: no dependency
 * beyond the JDK and ctc-token-core.
 *
 * <pre>{@code
 * TokenManager.builder()
 *     .endpoint(URI.create("https://coresite.ctcfile.com"))
 *     .clientId("...").clientSecret("...")
 *     .transport(JdkHttpClientTransport.create())   // or create(yourHttpClient)
 *     .build();
 * }</pre>
 *
 * <p><b>Two ways to make one.</b> {@link #create()} and {@link #builder()} build a client of the
 * transport's own: no redirects, HTTP/1.1, connect timeout 5 s unless configured, the JVM's default
 * proxy selector (the {@code https.proxyHost} and {@code http.proxyHost} system properties), and an
 * executor of daemon threads named {@code ctc-token-jdk-<n>-<m>} (idle ones end after a minute).
 * {@link #close()} shuts that executor down; on Java 21 and later it also shuts the client down. On
 * Java 17, which has no way to close an {@code HttpClient}, the client's own selector thread
 * ({@code HttpClient-<id>-SelectorManager}, a daemon) ends once the closed transport is no longer
 * referenced and the garbage collector has run. {@link #create(HttpClient)} sends through the
 * caller's client, keeping its proxy, TLS and executor, and never closes it; that client must not
 * follow redirects.
 *
 * <p><b>What a send does.</b> A {@code GET} of the request URI exactly as given (its query, which
 * carries the already encoded client secret, is passed on raw), with {@code Accept:
 * application/json}, over HTTP/1.1 so that aborting the exchange drops its connection. The reply
 * body is collected by a subscriber that stops at {@link TransportRequest#maxBodyBytes()}: a longer
 * {@code Content-Length} is refused before a byte of body is read, and a body that grows past the
 * limit has its subscription cancelled, which closes the connection; both complete the stage with
 * {@link com.ctcfile.token.TokenProtocolException}. Core bounds the exchange and cancels the stage
 * when its fetch timeout passes or the manager closes; the cancel aborts the JDK exchange, which
 * closes its connection. As a second guard the transport bounds the whole exchange, connect to last
 * byte, by {@link TransportRequest#timeout()} itself: the JDK's own request timeout, also set, ends
 * when the reply headers arrive.
 *
 * <p><b>Failures.</b> The stage completes exceptionally with
 * {@link com.ctcfile.token.TokenTransportException} on I/O errors, refused or dropped connections,
 * timeouts and cancellation (made with {@link TransportRequest#failure}, which tells a send that
 * never connected from one whose outcome is unknown), on sends after {@link #close()} (made with
 * {@link TransportRequest#notSent}), and with {@link com.ctcfile.token.TokenProtocolException} for an
 * oversized body. Any HTTP status completes normally. Messages name the request by
 * {@link TransportRequest#redactedUri()}; an exception quoting the query is replaced in the cause
 * chain by one naming only its type.
 *
 * <p><b>Logging.</b> The JDK client prints request URIs, query included, and headers when the system
 * property {@code jdk.httpclient.HttpClient.log} lists {@code requests}, {@code headers} or
 * {@code all} (logger {@code jdk.httpclient.HttpClient} at {@code INFO}), or when
 * {@code jdk.internal.httpclient.debug=true}; {@link #requestLoggersEnabled()} names them then, and
 * the token manager warns at start.
 *
 * <p>Thread-safe; {@link #send} never blocks: the stage completes on the client's executor (the
 * transport's own threads for an owned client), or for the second-guard timeout on the JDK's shared
 * {@link CompletableFuture} delay thread. Keep code chained to it short.
 */
public final class JdkHttpClientTransport implements Transport {

  /** The connect timeout of an owned client unless {@link Builder#connectTimeout} says otherwise. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private static final String THREAD_NAME_PREFIX = "ctc-token-jdk-";
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  // HttpClient.shutdownNow() came with Java 21; on 17 there is nothing to call
  private static final MethodHandle SHUTDOWN_NOW = shutdownNowIfPresent();

  private volatile HttpClient client;
  private final ExecutorService ownExecutor;
  private final String threadNamePrefix;
  private final InFlightSends sends = new InFlightSends();

  private JdkHttpClientTransport(HttpClient client, ExecutorService ownExecutor, String threadNamePrefix) {
    this.client = client;
    this.ownExecutor = ownExecutor;
    this.threadNamePrefix = threadNamePrefix;
  }

  /** A transport with a client of its own and a connect timeout of 5 s; closed with it. */
  public static JdkHttpClientTransport create() {
    return builder().build();
  }

  /**
   * A transport that sends through {@code client} and never closes it. The client keeps its own
   * proxy, TLS, authenticator and executor settings; per request the transport only asks for
   * HTTP/1.1 and sets the timeout. A {@link CtcBearerHttpClient} is unwrapped: the token request
   * goes through the client it wraps and never carries a bearer token.
   *
   * @throws NullPointerException if {@code client} is null
   * @throws IllegalArgumentException if {@code client} follows redirects: the token request must not,
   *     and the JDK client decides that per client, not per request
   */
  public static JdkHttpClientTransport create(HttpClient client) {
    Objects.requireNonNull(client, "client");
    HttpClient target = client instanceof CtcBearerHttpClient ? ((CtcBearerHttpClient) client).wrapped() : client;
    if (target.followRedirects() != HttpClient.Redirect.NEVER) {
      throw new IllegalArgumentException("the client follows redirects (" + target.followRedirects()
          + "), which the token request must not: build it with followRedirects(HttpClient.Redirect.NEVER),"
          + " the default, or use JdkHttpClientTransport.create()");
    }
    return new JdkHttpClientTransport(target, null, null);
  }

  /** A builder for a transport with a client of its own. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletionStage<TransportResponse> send(TransportRequest request) {
    Objects.requireNonNull(request, "request");
    // read before start(): close() marks the sends closed before it lets go of an owned client, so
    // start() has refused already when this is null
    HttpClient http = client;
    CompletableFuture<TransportResponse> result = sends.start(request);
    if (result.isDone()) {
      return result;
    }
    HttpRequest get;
    try {
      get = HttpRequest.newBuilder(request.uri())
          .GET()
          .header("Accept", "application/json")
          .version(HttpClient.Version.HTTP_1_1)
          .timeout(request.timeout())
          .build();
    } catch (IllegalArgumentException unsupported) {
      // a URI the JDK client cannot send, such as one with another scheme than http or https
      result.completeExceptionally(request.notSent("the JDK HTTP client refuses it: " + request.withoutQuery(unsupported)));
      return result;
    }
    Reply reply = new Reply(request);
    CompletableFuture<HttpResponse<TransportResponse>> exchange;
    try {
      exchange = http.sendAsync(get, reply);
    } catch (RuntimeException refused) {
      // a caller's client whose executor was shut down, say
      result.completeExceptionally(request.notSent("the JDK HTTP client refuses it: " + request.withoutQuery(refused)));
      return result;
    }
    // The deadline is a future of its own so that completing the exchange cancels its timer.
    CompletableFuture<Void> deadline = new CompletableFuture<Void>()
        .orTimeout(request.timeout().toNanos(), TimeUnit.NANOSECONDS);
    deadline.whenComplete((ignored, timedOut) -> {
      if (timedOut instanceof TimeoutException) {
        result.completeExceptionally(request.failure("timed out after " + request.timeout().toMillis()
            + " ms (whole exchange, connect to last byte)", null));
      }
    });
    exchange.whenComplete((response, error) -> {
      if (error == null) {
        result.complete(response.body());
      } else {
        result.completeExceptionally(translate(request, error));
      }
    });
    result.whenComplete((response, error) -> {
      deadline.complete(null);
      if (error != null) {
        // cancelled by core, timed out or closed: stop reading and abort the exchange, which closes
        // its connection; a no-op for an exchange that failed on its own
        reply.abort();
        exchange.cancel(true);
      }
    });
    return result;
  }

  /**
   * {@code jdk.httpclient.HttpClient} when the system property {@code jdk.httpclient.HttpClient.log}
   * lists {@code requests}, {@code headers} or {@code all} and that logger is enabled at
   * {@code INFO}; {@code jdk.internal.httpclient.debug} when that property is {@code true}. Both
   * print the token request's URI with the client secret in its query. The JDK reads these
   * properties once, when its HTTP client is first used.
   */
  @Override
  public List<String> requestLoggersEnabled() {
    return JdkRequestLoggers.enabled();
  }

  /**
   * Fails every exchange still running with {@link com.ctcfile.token.TokenTransportException} and
   * aborts it; shuts down the client only if this transport made it (its executor, and on Java 21
   * and later the client itself). Never waits. Idempotent.
   */
  @Override
  public void close() {
    if (sends.close() && ownExecutor != null) {
      HttpClient own = client;
      // on Java 17 the client's selector thread ends once the client is unreachable
      client = null;
      shutDown(own);
      ownExecutor.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "JdkHttpClientTransport{" + (ownExecutor != null ? "own client, threads " + threadNamePrefix + "*" : "caller's client")
        + (sends.isClosed() ? ", closed" : "") + "}";
  }

  /** The name prefix of the threads of an owned client, {@code null} for a caller's client; for tests. */
  String threadNamePrefix() {
    return threadNamePrefix;
  }

  private static Throwable translate(TransportRequest request, Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    // bounded: a cause chain may loop
    Throwable t = cause;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (t instanceof CtcTokenException) {
        // the body limit's TokenProtocolException, made from the redacted request
        return t;
      }
    }
    if (cause instanceof HttpTimeoutException) {
      return request.failure("got no reply within " + request.timeout().toMillis() + " ms", cause);
    }
    if (cause instanceof CancellationException) {
      return request.failure("was cancelled", null);
    }
    return request.failure("failed", cause);
  }

  private static void shutDown(HttpClient own) {
    if (SHUTDOWN_NOW == null || own == null) {
      return;
    }
    try {
      SHUTDOWN_NOW.invoke(own);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable unexpected) {
      throw new IllegalStateException("HttpClient.shutdownNow() failed", unexpected);
    }
  }

  private static MethodHandle shutdownNowIfPresent() {
    try {
      return MethodHandles.publicLookup().findVirtual(HttpClient.class, "shutdownNow", MethodType.methodType(void.class));
    } catch (NoSuchMethodException | IllegalAccessException java17) {
      return null;
    }
  }

  /** Makes the body subscriber of the one reply of a send, so that an abort reaches it. */
  private static final class Reply implements HttpResponse.BodyHandler<TransportResponse> {
    private final TransportRequest request;
    private volatile BoundedReplySubscriber subscriber;
    private volatile boolean aborted;

    Reply(TransportRequest request) {
      this.request = request;
    }

    @Override
    public HttpResponse.BodySubscriber<TransportResponse> apply(HttpResponse.ResponseInfo info) {
      BoundedReplySubscriber made = BoundedReplySubscriber.of(request, info);
      subscriber = made;
      if (aborted) {
        made.abort();
      }
      return made;
    }

    void abort() {
      aborted = true;
      BoundedReplySubscriber current = subscriber;
      if (current != null) {
        current.abort();
      }
    }
  }

  /**
   * Configures a transport with a client of its own. Setters validate at once; not thread-safe.
   */
  public static final class Builder {
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

    private Builder() {}

    /** The TCP (and TLS) connect timeout. Default 5 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      if (connectTimeout.isNegative() || connectTimeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
      }
      this.connectTimeout = connectTimeout;
      return this;
    }

    /** Builds the client and its executor; the transport shuts them down in {@link JdkHttpClientTransport#close()}. */
    public JdkHttpClientTransport build() {
      String prefix = THREAD_NAME_PREFIX + INSTANCES.incrementAndGet() + "-";
      ExecutorService executor = Executors.newCachedThreadPool(daemonThreads(prefix));
      HttpClient client = HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(connectTimeout)
          .executor(executor)
          .build();
      return new JdkHttpClientTransport(client, executor, prefix);
    }

    @Override
    public String toString() {
      return "JdkHttpClientTransport.Builder{connectTimeout=" + connectTimeout + "}";
    }

    private static ThreadFactory daemonThreads(String prefix) {
      AtomicInteger number = new AtomicInteger();
      return task -> {
        Thread thread = new Thread(task, prefix + number.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      };
    }
  }
}
