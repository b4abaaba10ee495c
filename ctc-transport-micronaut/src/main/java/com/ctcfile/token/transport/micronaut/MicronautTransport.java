package com.ctcfile.token.transport.micronaut;

import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.body.MessageBodyHandlerRegistry;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.HttpClientConfiguration;
import io.micronaut.http.client.RawHttpClient;
import io.micronaut.http.client.netty.DefaultHttpClient;
import io.micronaut.http.client.netty.ssl.NettyClientSslBuilder;
import io.micronaut.http.codec.MediaTypeCodecRegistry;
import io.micronaut.logging.LogLevel;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * A {@link Transport} on Micronaut's non-blocking HTTP client: sends the token request and reads its
 * reply as a stream, at most {@link TransportRequest#maxBodyBytes()} of it, within
 * {@link TransportRequest#timeout()}. {@link #create()} needs no {@code ApplicationContext} and no
 * JSON library: only {@code ctc-transport-micronaut} and the Micronaut HTTP client it brings.
 *
 * <pre>{@code
 * TokenManager tokens = TokenManager.builder()
 *     .endpoint(URI.create("https://coresite.ctcfile.com"))
 *     .clientId("...").clientSecret("...")
 *     .transport(MicronautTransport.create())        // or create(yourHttpClient)
 *     .build();
 * }</pre>
 *
 * <p><b>The client.</b> {@link #create()} and {@link #create(HttpClientConfiguration)} make a client
 * of their own, which {@link #close()} closes; it follows no redirect, applies no filter and logs
 * under {@link #WIRE_LOGGER} rather than Micronaut's client logger. {@link #create(HttpClient)}
 * sends through your client and never closes it; if an application context made that client, its
 * filters see the token request, whose URI holds the secret, so a filter that logs URIs logs the
 * secret: prefer a client of the transport's own. The transport port forbids following redirects,
 * and Micronaut decides that per client ({@code follow-redirects}), not per request, so a client
 * that follows them is refused.
 *
 * <p><b>The secret.</b> It travels in the request's query, as the CTC API demands. This class
 * writes no log line and names the request only by {@link TransportRequest#redactedUri()}, never
 * attaching an underlying exception whose message shows the query. Micronaut's client itself,
 * however, logs every request URI, query included, at {@code DEBUG} on its logger: keep
 * {@link #WIRE_LOGGER} (for the owned client) or your client's logger above {@code DEBUG}
 * ({@link #requestLoggersEnabled()} names the ones that are not), and give a caller's client
 * neither a {@code log-level} nor a {@code pcap-logging-path-pattern}.
 *
 * <p><b>Threads.</b> Thread-safe. {@link #send} returns at once; the stage completes on a Netty
 * event loop thread, so code chained to it must not block. Core bounds the whole exchange and
 * cancels the stage when its deadline passes; a cancelled stage closes the exchange's connection.
 *
 * <p><b>Failures.</b> Every HTTP status, 3xx, 4xx and 5xx included, completes the stage normally
 * with the status and body: judging the reply is core's job. A body longer than the limit
 * completes it with {@link com.ctcfile.token.TokenProtocolException} and drops the connection;
 * I/O errors, refused or dropped connections and the client's own timeouts complete it with
 * {@link com.ctcfile.token.TokenTransportException}; a closed transport fails every send with that,
 * too.
 */
public final class MicronautTransport implements Transport {

  /**
   * The logger name of the client that {@link #create()} and {@link #create(HttpClientConfiguration)}
   * make. At {@code DEBUG} Micronaut logs each request URI there, client secret included; leave it
   * above {@code DEBUG}. It lies outside {@code io.micronaut} and {@code com.ctcfile}, so turning
   * on {@code DEBUG} for either does not reveal the secret.
   */
  public static final String WIRE_LOGGER = "ctc-token-wire.secret-in-request-uri";

  /**
   * The request attribute that marks this transport's own requests, so that the bearer filter
   * never authorizes (or recurses into) a token request sent through a filtered client.
   */
  static final String TOKEN_REQUEST_ATTRIBUTE = "com.ctcfile.token.transport.micronaut.token-request";

  /** The logger of a Micronaut client without a {@code logger-name}, and of Netty's request dump. */
  static final String CLIENT_LOGGER = "io.micronaut.http.client.netty.DefaultHttpClient";

  private final RawHttpClient client;
  private final HttpClient owned;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MicronautTransport(RawHttpClient client, HttpClient owned) {
    this.client = client;
    this.owned = owned;
  }

  /**
   * A transport on a client of its own with Micronaut's default client settings; {@link #close()}
   * closes that client.
   */
  public static MicronautTransport create() {
    return create(new DefaultHttpClientConfiguration());
  }

  /**
   * A transport on a client of its own, made with a copy of {@code configuration} (proxy, SSL,
   * timeouts, thread count...) in which redirects are off and the logger is {@link #WIRE_LOGGER};
   * {@code configuration} itself is not changed. {@link #close()} closes that client.
   *
   * @throws NullPointerException if {@code configuration} is null
   */
  public static MicronautTransport create(HttpClientConfiguration configuration) {
    Objects.requireNonNull(configuration, "configuration");
    DefaultHttpClient client = newClient(new TokenClientConfiguration(configuration));
    return new MicronautTransport(client, client);
  }

  /*
   * HttpClient.create(..) builds a JSON codec for every client and so fails without a JSON library
   * on the class path; the token request needs none (it reads raw bytes), so this constructor, the
   * one public way to give a client no codecs, keeps the module usable on its own. It is deprecated
   * in favour of an @Internal builder; revisit when Micronaut opens that builder.
   */
  @SuppressWarnings("deprecation")
  private static DefaultHttpClient newClient(HttpClientConfiguration configuration) {
    return new DefaultHttpClient(null, configuration, null, null, new NettyClientSslBuilder(new ResourceResolver()),
        MediaTypeCodecRegistry.of(),
        MessageBodyHandlerRegistry.EMPTY, null, ConversionService.SHARED);
  }

  /**
   * A transport that sends through {@code client}, which it never closes. The client must be one of
   * Micronaut's own (any client it injects or {@code HttpClient.create} makes, which can send raw,
   * streamed exchanges) and must not follow redirects: set {@code follow-redirects: false} in its
   * configuration. Its filters, if it was made by an application context, see the token request;
   * the bearer filter of this module leaves it alone.
   *
   * @throws NullPointerException if {@code client} is null
   * @throws IllegalArgumentException if {@code client} cannot send raw exchanges or follows redirects
   */
  public static MicronautTransport create(HttpClient client) {
    Objects.requireNonNull(client, "client");
    if (!(client instanceof RawHttpClient)) {
      throw new IllegalArgumentException("the client must be a Micronaut RawHttpClient, as every client of"
          + " micronaut-http-client is, so that the reply can be read as a bounded stream: "
          + client.getClass().getName());
    }
    if (client instanceof DefaultHttpClient && ((DefaultHttpClient) client).getConfiguration().isFollowRedirects()) {
      throw new IllegalArgumentException("the client follows redirects, which the token request must not:"
          + " configure it with follow-redirects: false, or use MicronautTransport.create(HttpClientConfiguration)");
    }
    return new MicronautTransport((RawHttpClient) client, null);
  }

  @Override
  public CompletionStage<TransportResponse> send(TransportRequest request) {
    Objects.requireNonNull(request, "request");
    if (closed.get()) {
      return CompletableFuture.failedFuture(request.notSent("the transport is closed"));
    }
    MutableHttpRequest<?> http = HttpRequest.GET(request.uri())
        .accept(MediaType.APPLICATION_JSON_TYPE);
    http.setAttribute(TOKEN_REQUEST_ATTRIBUTE, Boolean.TRUE);
    TokenExchange exchange = new TokenExchange(request, http);
    try {
      exchange.start(client.exchange(http, null, null));
    } catch (RuntimeException e) {
      // a closed client refuses at once
      return CompletableFuture.failedFuture(request.notSent("the client refused it (" + e.getClass().getSimpleName() + ")"));
    }
    return exchange.result();
  }

  /**
   * The client's logger, if it is at {@code DEBUG}, where Micronaut logs "Sending HTTP GET to" the
   * request URI, secret included (its headers at {@code TRACE}): {@link #WIRE_LOGGER} for a client
   * of the transport's own; for a caller's client its configured {@code logger-name}, else
   * {@code io.micronaut.http.client.netty.DefaultHttpClient}. Also that last one when a caller's
   * client has a {@code log-level} and it is enabled at that level: Netty's logging handler then
   * dumps every request there. A level set on a parent such as {@code io.micronaut} counts. Empty
   * for a client that is not Micronaut's {@code DefaultHttpClient}, whose configuration cannot be
   * read.
   */
  @Override
  public List<String> requestLoggersEnabled() {
    if (!(client instanceof DefaultHttpClient)) {
      return List.of();
    }
    HttpClientConfiguration configuration = ((DefaultHttpClient) client).getConfiguration();
    Set<String> enabled = new LinkedHashSet<>();
    String name = configuration.getLoggerName().orElse(CLIENT_LOGGER);
    if (LoggerFactory.getLogger(name).isDebugEnabled()) {
      enabled.add(name);
    }
    configuration.getLogLevel()
        .filter(level -> dumpsAt(LoggerFactory.getLogger(CLIENT_LOGGER), level))
        .ifPresent(level -> enabled.add(CLIENT_LOGGER));
    return List.copyOf(enabled);
  }

  // whether Netty's logging handler, put at that level on the client's pipeline, writes anything
  private static boolean dumpsAt(org.slf4j.Logger logger, LogLevel level) {
    switch (level) {
      case ALL:
      case TRACE:
        return logger.isTraceEnabled();
      case DEBUG:
        return logger.isDebugEnabled();
      case INFO:
        return logger.isInfoEnabled();
      case WARN:
        return logger.isWarnEnabled();
      case ERROR:
        return logger.isErrorEnabled();
      default:
        return false;
    }
  }

  /** Closes the client if this transport made it; a caller's client is left open. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && owned != null) {
      owned.close();
    }
  }

  @Override
  public String toString() {
    return "MicronautTransport{" + (owned != null ? "own client" : "caller's client") + (closed.get() ? ", closed" : "")
        + "}";
  }

  /** The caller's settings with what the token request needs on top. */
  private static final class TokenClientConfiguration extends HttpClientConfiguration {
    private final ConnectionPoolConfiguration pool;

    TokenClientConfiguration(HttpClientConfiguration base) {
      super(base);
      this.pool = base.getConnectionPoolConfiguration();
      setFollowRedirects(false);
      setLoggerName(WIRE_LOGGER);
      // neither Netty's request dump under DefaultHttpClient's logger nor a capture file of the requests
      setLogLevel(null);
      setPcapLoggingPathPattern(null);
      // a token is fetched once per lifetime: one event loop thread is plenty unless told otherwise
      if (base.getNumOfThreads().isEmpty()) {
        setNumOfThreads(1);
      }
    }

    @Override
    public ConnectionPoolConfiguration getConnectionPoolConfiguration() {
      return pool;
    }
  }
}
