package com.ctcfile.token.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * A strict CTC token server on loopback, for tests: the token endpoint of the CTC API
 * ({@code GET /oauth/accesstoken?clientId=..&clientSecret=..}) and a protected API under
 * {@code /api/} that accepts only the current token.
 *
 * <p>Like the real service, <b>every fetch issues a new token and invalidates the previous one</b>
 * (at once by default, or after a {@linkplain Builder#gracePeriod grace period}), and tokens expire
 * after their {@linkplain Builder#tokenLifetime lifetime}. So a test can show that a client fetches
 * once per lifetime, shares its token, and heals a 401 caused by someone else's fetch. A queue of
 * {@link Fault}s replaces the next token replies with errors, malformed replies, delays and late
 * issues, dropped connections, oversized or stalled bodies; {@link #enqueueLifetimes} gives the
 * next fetches lifetimes of their own.
 *
 * <pre>{@code
 * try (FakeCtcServer server = FakeCtcServer.builder().tokenLifetime(Duration.ofSeconds(3)).build().start();
 *      TokenManager tokens = TokenManager.builder()
 *          .endpoint(server.endpoint())
 *          .clientId(server.clientId()).clientSecret(server.clientSecret())
 *          .transport(HttpClient5Transport.create())
 *          .build()) {
 *   assertThat(tokens.token().value()).isEqualTo(server.currentToken().orElseThrow());
 *
 *   server.issueTokenOutOfBand();                      // someone else fetched: our token is dead
 *   // a call to server.protectedUri() with the old token now gets 401
 *   server.enqueue(Fault.reply(503, "{}"));            // the next token request fails
 *   assertThat(server.fetches()).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p><b>Token endpoint</b> ({@link #tokenUri()}): only {@code GET}; query parameters are decoded as
 * UTF-8 percent-encoding, {@code +} meaning a space, the first of repeated names winning. Right
 * credentials get HTTP 200 with the reply of the CTC documentation's sample,
 * {@code {"token_type":"","access_token":"…","expires_in":3600,"refresh_token":"","errcode":"","errmsg":""}};
 * wrong or missing ones get HTTP 200 with errcode {@value #ERRCODE_INVALID_CREDENTIALS} and an empty
 * token, and leave the current token as it is. A malformed query gets 400, another method 405.
 *
 * <p><b>Protected endpoint</b> ({@link #protectedUri()}, or any path under {@code /api/}, any
 * method): reads and discards the request body; answers 200 {@code {"ok":true}} to
 * {@code Authorization: Bearer <a valid token>} and 401
 * {@code {"errcode":"40001","errmsg":"invalid access_token"}} to anything else.
 *
 * <p><b>Thread-safety:</b> every method may be called from any thread while requests are served;
 * counters are exact. The server handles about 50 concurrent clients (each on a thread of its own
 * pool of daemon threads). <b>Secrets:</b> neither {@link #toString()} nor anything this class writes
 * shows the client secret or a token. The JDK's own {@code com.sun.net.httpserver} logger, however,
 * logs each request line, query included, at level {@code DEBUG}; leave it above {@code DEBUG} in
 * tests that capture log output.
 */
public final class FakeCtcServer implements AutoCloseable {

  /** The errcode the token endpoint answers to wrong or missing credentials. */
  public static final String ERRCODE_INVALID_CREDENTIALS = "40001";
  /** The errcode of the protected endpoint's 401 reply. */
  public static final String ERRCODE_INVALID_TOKEN = "40001";

  static final int THREADS = 64;

  private final String clientId;
  private final String clientSecret;
  private final Duration tokenLifetime;
  // the token endpoint and the protected API share the ledger; this class is their lifecycle and facade
  private final TokenLedger ledger;
  private final TokenEndpoint tokenEndpoint;
  private final ProtectedApi api;

  private final Object lifecycle = new Object();
  private HttpServer server;
  private ThreadPoolExecutor executor;
  private volatile int port;
  private boolean closed;

  private FakeCtcServer(Builder builder) {
    this.clientId = builder.clientId;
    this.clientSecret = builder.clientSecret;
    this.tokenLifetime = builder.tokenLifetime;
    this.ledger = new TokenLedger(builder.tokenLifetime, builder.gracePeriod, builder.tokenLength, builder.nanoClock);
    this.tokenEndpoint = new TokenEndpoint(clientId, clientSecret, tokenLifetime, ledger);
    this.api = new ProtectedApi(ledger);
  }

  /** A builder with the defaults: credentials {@code fake-client-id}/{@code fake-client-secret}, 3600 s tokens of 790 characters, no grace period. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds to {@code 127.0.0.1} on a free port and starts serving.
   *
   * @return this server
   * @throws IllegalStateException if already started or closed
   * @throws UncheckedIOException if binding fails
   */
  public FakeCtcServer start() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("FakeCtcServer is closed");
      }
      if (server != null) {
        throw new IllegalStateException("FakeCtcServer is already started");
      }
      HttpServer http;
      try {
        // the JDK server answers keep-alive calls ~40 ms late (Nagle meets delayed ACK) unless told
        // otherwise; read once, when the JVM creates its first HttpServer, and only if nobody chose
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
          System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        http = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 128);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot bind FakeCtcServer to 127.0.0.1", e);
      }
      int boundPort = http.getAddress().getPort();
      AtomicInteger threadNumber = new AtomicInteger();
      ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
          task -> {
            Thread thread = new Thread(task, "fake-ctc-server-" + boundPort + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });
      pool.allowCoreThreadTimeOut(true);
      http.setExecutor(pool);
      http.createContext(TokenEndpoint.PATH, tokenEndpoint::handle);
      http.createContext(ProtectedApi.PATH, api::handle);
      http.start();
      this.server = http;
      this.executor = pool;
      this.port = boundPort;
      return this;
    }
  }

  /** {@code http://127.0.0.1:<port>}, what {@code TokenManager.builder().endpoint(..)} takes. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /** The token endpoint, {@link #endpoint()} + {@code /oauth/accesstoken}, without a query. */
  public URI tokenUri() {
    return URI.create(endpoint() + TokenEndpoint.PATH);
  }

  /** A protected API resource, {@link #endpoint()} + {@code /api/protected}. */
  public URI protectedUri() {
    return URI.create(endpoint() + ProtectedApi.PATH + "protected");
  }

  /**
   * The port bound.
   *
   * @throws IllegalStateException if not started
   */
  public int port() {
    int bound = port;
    if (bound == 0) {
      throw new IllegalStateException("FakeCtcServer is not started");
    }
    return bound;
  }

  public String clientId() {
    return clientId;
  }

  public String clientSecret() {
    return clientSecret;
  }

  /**
   * Queues {@code fault} for the next token request that finds no fault before it: faults are used
   * once each, first in, first out. Requests to the protected endpoint are not affected.
   */
  public void enqueue(Fault fault) {
    tokenEndpoint.enqueue(fault);
  }

  /**
   * The next fetches issue tokens of these lifetimes, one each, in order, and their replies say so
   * in {@code expires_in} (whole seconds, rounded up; the server enforces the exact duration); once
   * they are used up, fetches issue tokens of the {@linkplain Builder#tokenLifetime configured
   * lifetime} again. For tests of lifetimes that change between fetches, e.g. 3 s, then 1.5 s, then
   * 4 s. A fetch is any token reply that issues a token: a normal one, {@link Fault#delay},
   * {@link Fault#lateIssue}, {@link Fault#stallBody}, or {@link Fault#successWith} with a token
   * (whose {@code expires_in} override, if any, is what the reply says). Tokens issued
   * {@linkplain #issueTokenOutOfBand() out of band} take the configured lifetime and none of these.
   *
   * @throws IllegalArgumentException if a lifetime is zero or negative
   */
  public void enqueueLifetimes(Duration... lifetimes) {
    List<Duration> checked = new ArrayList<>(lifetimes.length);
    for (Duration lifetime : lifetimes) {
      checked.add(Builder.requirePositive(lifetime, "lifetime"));
    }
    tokenEndpoint.enqueueLifetimes(checked);
  }

  /** Tokens issued by token replies (not by {@link #issueTokenOutOfBand()}). */
  public int fetches() {
    return tokenEndpoint.fetches();
  }

  /** Requests that reached the token endpoint, whatever their outcome. */
  public int tokenRequests() {
    return tokenEndpoint.tokenRequests();
  }

  /** Requests the protected endpoint answered with 200. */
  public int accepted() {
    return api.accepted();
  }

  /** Requests the protected endpoint answered with 401. */
  public int rejected() {
    return api.rejected();
  }

  /** The token the protected endpoint accepts now; empty if none was issued yet or it has expired. */
  public Optional<String> currentToken() {
    return ledger.current();
  }

  /**
   * Issues a new token as if another client (a colleague's {@code curl}) had fetched one: the
   * current token is invalidated (after the grace period, if any). Counts neither as a fetch nor as
   * a token request.
   *
   * @return the new current token
   */
  public String issueTokenOutOfBand() {
    return ledger.issueNew();
  }

  /**
   * While on, the protected endpoint answers 401 to every token, the current one included: an API
   * that keeps rejecting, for tests of rate-limited renewal.
   */
  public void rejectEveryToken(boolean on) {
    api.rejectEveryToken(on);
  }

  /** The decoded query parameters of the last token request; empty before the first or if its query was malformed. */
  public Map<String, String> lastTokenRequestParams() {
    return tokenEndpoint.lastTokenRequest().params;
  }

  /** The first value of the named header (any case) of the last token request; empty if it had none. */
  public Optional<String> lastTokenRequestHeader(String name) {
    Objects.requireNonNull(name, "name");
    for (Map.Entry<String, List<String>> header : tokenEndpoint.lastTokenRequest().headers.entrySet()) {
      if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
        return Optional.of(header.getValue().get(0));
      }
    }
    return Optional.empty();
  }

  /**
   * Bytes of body the server managed to write in the last token reply (so far, while it is being
   * written). After a {@link Fault#hugeBody(int)} it shows how much a client read before it went away.
   */
  public long lastReplyBytesWritten() {
    return tokenEndpoint.lastReplyBytesWritten();
  }

  /** The method of the last token request; empty before the first. */
  String lastTokenRequestMethod() {
    return tokenEndpoint.lastTokenRequest().method;
  }

  /** Path and query of the last token request exactly as received, still percent-encoded. */
  String lastTokenRequestRawTarget() {
    return tokenEndpoint.lastTokenRequest().rawTarget;
  }

  /** Token requests whose handling is over: reply written, or the connection gone. */
  int tokenRequestsFinished() {
    return tokenEndpoint.tokenRequestsFinished();
  }

  /**
   * Stops the server: closes its port and every open connection and ends its threads, interrupting
   * delayed and stalled replies. Idempotent.
   */
  @Override
  public void close() {
    HttpServer http;
    ThreadPoolExecutor pool;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      http = server;
      pool = executor;
    }
    if (http == null) {
      return;
    }
    http.stop(0);
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    int bound = port;
    return "FakeCtcServer{" + (bound == 0 ? "not started" : "http://127.0.0.1:" + bound)
        + ", lifetime=" + tokenLifetime + ", fetches=" + fetches() + ", tokenRequests=" + tokenRequests()
        + ", accepted=" + accepted() + ", rejected=" + rejected() + "}";
  }

  /**
   * Configures a {@link FakeCtcServer}. Setters validate at once and fail with
   * {@link IllegalArgumentException} or {@link NullPointerException}. Not thread-safe.
   */
  public static final class Builder {

    private String clientId = "fake-client-id";
    private String clientSecret = "fake-client-secret";
    private Duration tokenLifetime = Duration.ofSeconds(3600);
    private int tokenLength = 790;
    private Duration gracePeriod = Duration.ZERO;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder() {}

    /** The clientId the token endpoint accepts. Default {@code fake-client-id}; any non-empty text. */
    public Builder clientId(String clientId) {
      this.clientId = requireText(clientId, "clientId");
      return this;
    }

    /** The clientSecret the token endpoint accepts. Default {@code fake-client-secret}; any non-empty text. */
    public Builder clientSecret(String clientSecret) {
      this.clientSecret = requireText(clientSecret, "clientSecret");
      return this;
    }

    /**
     * How long an issued token is accepted. Default 3600 s. Replies say {@code expires_in} in whole
     * seconds, rounded up, but the server enforces the exact duration, so 1500 ms is a valid choice.
     */
    public Builder tokenLifetime(Duration tokenLifetime) {
      this.tokenLifetime = requirePositive(tokenLifetime, "tokenLifetime");
      return this;
    }

    /**
     * The length of generated tokens, in characters of the RFC 6750 b64token set (letters, digits,
     * {@code - _ .}), shaped like a JWT from 16 characters on. Default 790, like the CTC sample.
     * Lengths above the 1024 clients accept are allowed, to test that limit.
     */
    public Builder tokenLength(int tokenLength) {
      if (tokenLength < 1 || tokenLength > 1_000_000) {
        throw new IllegalArgumentException("tokenLength must be 1..1000000: " + tokenLength);
      }
      this.tokenLength = tokenLength;
      return this;
    }

    /**
     * How long a replaced token stays accepted after a newer one is issued (never beyond its own
     * lifetime). Default zero: strict invalidation, as the CTC documentation describes.
     */
    public Builder gracePeriod(Duration gracePeriod) {
      Objects.requireNonNull(gracePeriod, "gracePeriod");
      if (gracePeriod.isNegative()) {
        throw new IllegalArgumentException("gracePeriod must not be negative: " + gracePeriod);
      }
      this.gracePeriod = gracePeriod;
      return this;
    }

    /** The monotonic clock for lifetimes and grace periods, in nanoseconds; for the testkit's own tests. */
    Builder nanoClock(LongSupplier nanoClock) {
      this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    /** A server with this configuration, not started yet: call {@link FakeCtcServer#start()}. */
    public FakeCtcServer build() {
      return new FakeCtcServer(this);
    }

    static Duration requirePositive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }

    private static String requireText(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isEmpty()) {
        throw new IllegalArgumentException(name + " must not be empty");
      }
      return value;
    }

    @Override
    public String toString() {
      return "FakeCtcServer.Builder{lifetime=" + tokenLifetime + ", tokenLength=" + tokenLength
          + ", grace=" + gracePeriod + "}";
    }
  }
}
