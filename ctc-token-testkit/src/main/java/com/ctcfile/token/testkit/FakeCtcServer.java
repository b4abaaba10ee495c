package com.ctcfile.token.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * {@link Fault}s replaces the next token replies with errors, malformed replies, delays, dropped
 * connections, oversized or stalled bodies.
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

  static final String TOKEN_PATH = "/oauth/accesstoken";
  static final String API_PATH = "/api/";
  static final String PROTECTED_PATH = "/api/protected";
  static final int THREADS = 64;

  private static final int SLICE = 16 * 1024;
  private static final byte[] OK = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] INVALID_TOKEN = ("{\"errcode\":\"" + ERRCODE_INVALID_TOKEN
      + "\",\"errmsg\":\"invalid access_token\"}").getBytes(StandardCharsets.UTF_8);
  private static final byte[] INVALID_CREDENTIALS = ReplyBodies.error(
      JsonText.quote(ERRCODE_INVALID_CREDENTIALS), "invalid clientId or clientSecret").getBytes(StandardCharsets.UTF_8);
  private static final byte[] MALFORMED_QUERY = ReplyBodies.error(
      JsonText.quote("40000"), "malformed query string").getBytes(StandardCharsets.UTF_8);
  // the head of a stalled reply: enough to show the body has begun, far from its end
  private static final int STALL_HEAD = 16;

  /** What the server saw of the last token request. */
  static final class SeenRequest {
    final String method;
    final String rawTarget;
    final Map<String, String> params;
    final Map<String, List<String>> headers;

    SeenRequest(String method, String rawTarget, Map<String, String> params, Map<String, List<String>> headers) {
      this.method = method;
      this.rawTarget = rawTarget;
      this.params = params;
      this.headers = headers;
    }
  }

  private static final SeenRequest NONE = new SeenRequest("", "", Map.of(), Map.of());

  private final String clientId;
  private final String clientSecret;
  private final Duration tokenLifetime;
  private final TokenLedger ledger;
  private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
  private final AtomicInteger fetches = new AtomicInteger();
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private final AtomicInteger tokenRequestsFinished = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger rejected = new AtomicInteger();
  private final AtomicLong lastReplyBytes = new AtomicLong();
  private volatile SeenRequest lastTokenRequest = NONE;
  private volatile boolean rejectEveryToken;

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
      http.createContext(TOKEN_PATH, this::handleTokenRequest);
      http.createContext(API_PATH, this::handleApiRequest);
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
    return URI.create(endpoint() + TOKEN_PATH);
  }

  /** A protected API resource, {@link #endpoint()} + {@code /api/protected}. */
  public URI protectedUri() {
    return URI.create(endpoint() + PROTECTED_PATH);
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
    faults.add(Objects.requireNonNull(fault, "fault"));
  }

  /** Tokens issued by token replies (not by {@link #issueTokenOutOfBand()}). */
  public int fetches() {
    return fetches.get();
  }

  /** Requests that reached the token endpoint, whatever their outcome. */
  public int tokenRequests() {
    return tokenRequests.get();
  }

  /** Requests the protected endpoint answered with 200. */
  public int accepted() {
    return accepted.get();
  }

  /** Requests the protected endpoint answered with 401. */
  public int rejected() {
    return rejected.get();
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
    this.rejectEveryToken = on;
  }

  /** The decoded query parameters of the last token request; empty before the first or if its query was malformed. */
  public Map<String, String> lastTokenRequestParams() {
    return lastTokenRequest.params;
  }

  /** The first value of the named header (any case) of the last token request; empty if it had none. */
  public Optional<String> lastTokenRequestHeader(String name) {
    Objects.requireNonNull(name, "name");
    for (Map.Entry<String, List<String>> header : lastTokenRequest.headers.entrySet()) {
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
    return lastReplyBytes.get();
  }

  /** The method of the last token request; empty before the first. */
  String lastTokenRequestMethod() {
    return lastTokenRequest.method;
  }

  /** Path and query of the last token request exactly as received, still percent-encoded. */
  String lastTokenRequestRawTarget() {
    return lastTokenRequest.rawTarget;
  }

  /** Token requests whose handling is over: reply written, or the connection gone. */
  int tokenRequestsFinished() {
    return tokenRequestsFinished.get();
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
        + ", lifetime=" + tokenLifetime + ", fetches=" + fetches + ", tokenRequests=" + tokenRequests
        + ", accepted=" + accepted + ", rejected=" + rejected + "}";
  }

  // ---- token endpoint

  private void handleTokenRequest(HttpExchange exchange) throws IOException {
    try {
      URI target = exchange.getRequestURI();
      if (!TOKEN_PATH.equals(target.getRawPath())) {
        discardBody(exchange);
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      Map<String, String> params = decodeQuery(target.getRawQuery());
      lastTokenRequest = new SeenRequest(exchange.getRequestMethod(),
          target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery()),
          params == null ? Map.of() : params, copy(exchange.getRequestHeaders()));
      lastReplyBytes.set(0);
      tokenRequests.incrementAndGet();
      try {
        discardBody(exchange);
        Fault fault = faults.poll();
        if (fault == null) {
          serveToken(exchange, params);
        } else {
          serveFault(exchange, params, fault);
        }
      } finally {
        tokenRequestsFinished.incrementAndGet();
      }
    } catch (IOException clientGone) {
      // the client went away mid-reply; that is the client's business, and what some faults provoke
    } catch (InterruptedException closing) {
      Thread.currentThread().interrupt();
    } finally {
      exchange.close();
    }
  }

  private void serveToken(HttpExchange exchange, Map<String, String> params) throws IOException {
    if (!"GET".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "GET");
      exchange.sendResponseHeaders(405, -1);
      return;
    }
    if (params == null) {
      sendToken(exchange, 400, Fault.JSON, MALFORMED_QUERY, List.of());
      return;
    }
    if (!clientId.equals(params.get("clientId")) || !clientSecret.equals(params.get("clientSecret"))) {
      sendToken(exchange, 200, Fault.JSON, INVALID_CREDENTIALS, List.of());
      return;
    }
    sendToken(exchange, 200, Fault.JSON, successBody(issue(ledger.issueNew())), List.of());
  }

  private void serveFault(HttpExchange exchange, Map<String, String> params, Fault fault)
      throws IOException, InterruptedException {
    switch (fault.kind()) {
      case REPLY:
        sendToken(exchange, fault.status(), fault.contentType(), fault.body(), fault.headers());
        break;
      case SUCCESS_WITH:
        serveSuccessWith(exchange, fault);
        break;
      case DELAY:
        Thread.sleep(fault.duration().toMillis(), fault.duration().toNanosPart() % 1_000_000);
        serveToken(exchange, params);
        break;
      case HOLD:
        fault.release().await();
        serveToken(exchange, params);
        break;
      case DROP_CONNECTION:
        // closing before any header is written makes the JDK server drop the connection itself
        exchange.close();
        break;
      case HUGE_BODY:
        serveHugeBody(exchange, fault.bytes());
        break;
      case STALL_BODY:
        serveStalled(exchange, fault.duration());
        break;
      default:
        throw new IllegalStateException("unknown fault " + fault);
    }
  }

  private void serveSuccessWith(HttpExchange exchange, Fault fault) throws IOException {
    String generated = ledger.newValue();
    LinkedHashMap<String, String> fields = ReplyBodies.merge(
        ReplyBodies.successFields(generated, expiresInSeconds()), fault.overrides());
    String raw = fields.get("access_token");
    Optional<String> token = raw == null ? Optional.empty() : JsonText.stringValue(raw);
    if (token.isPresent() && !token.get().isEmpty()) {
      ledger.install(token.get());
      issue(token.get());
    }
    sendToken(exchange, 200, Fault.JSON, ReplyBodies.object(fields).getBytes(StandardCharsets.UTF_8), fault.headers());
  }

  private void serveHugeBody(HttpExchange exchange, long bytes) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", Fault.JSON);
    exchange.sendResponseHeaders(200, bytes == 0 ? -1 : 0);
    if (bytes == 0) {
      return;
    }
    byte[] slice = new byte[SLICE];
    Arrays.fill(slice, (byte) 'x');
    byte[] head = slice.clone();
    byte[] prefix = "{\"padding\":\"".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(prefix, 0, head, 0, prefix.length);
    try (OutputStream out = exchange.getResponseBody()) {
      long left = bytes;
      boolean first = true;
      while (left > 0) {
        int n = (int) Math.min(SLICE, left);
        out.write(first ? head : slice, 0, n);
        first = false;
        left -= n;
        lastReplyBytes.addAndGet(n);
      }
    }
  }

  private void serveStalled(HttpExchange exchange, Duration stall) throws IOException, InterruptedException {
    byte[] body = successBody(issue(ledger.issueNew()));
    exchange.getResponseHeaders().set("Content-Type", Fault.JSON);
    exchange.sendResponseHeaders(200, body.length);
    OutputStream out = exchange.getResponseBody();
    // counted before the bytes can reach the client, so a client that has them sees the count
    lastReplyBytes.set(STALL_HEAD);
    out.write(body, 0, STALL_HEAD);
    out.flush();
    Thread.sleep(stall.toMillis(), stall.toNanosPart() % 1_000_000);
    lastReplyBytes.set(body.length);
    out.write(body, STALL_HEAD, body.length - STALL_HEAD);
    out.close();
  }

  private String issue(String token) {
    fetches.incrementAndGet();
    return token;
  }

  private byte[] successBody(String token) {
    return ReplyBodies.object(ReplyBodies.successFields(token, expiresInSeconds())).getBytes(StandardCharsets.UTF_8);
  }

  private long expiresInSeconds() {
    return tokenLifetime.getSeconds() + (tokenLifetime.getNano() > 0 ? 1 : 0);
  }

  private void sendToken(HttpExchange exchange, int status, String contentType, byte[] body, List<String[]> headers)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Vary", "Accept");
    for (String[] header : headers) {
      exchange.getResponseHeaders().add(header[0], header[1]);
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length == 0) {
      return;
    }
    try (OutputStream out = exchange.getResponseBody()) {
      for (int offset = 0; offset < body.length; offset += SLICE) {
        int n = Math.min(SLICE, body.length - offset);
        // counted first: with a Content-Length the client may have the whole body before write() returns
        lastReplyBytes.addAndGet(n);
        out.write(body, offset, n);
      }
    }
  }

  /** The parameters of a raw query, or null if it is not valid percent-encoding. */
  static Map<String, String> decodeQuery(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return Collections.unmodifiableMap(params);
    }
    try {
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        params.putIfAbsent(name, value);
      }
    } catch (IllegalArgumentException malformed) {
      return null;
    }
    return Collections.unmodifiableMap(params);
  }

  private static Map<String, List<String>> copy(Map<String, List<String>> headers) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    return Collections.unmodifiableMap(copy);
  }

  // ---- protected endpoint

  private void handleApiRequest(HttpExchange exchange) throws IOException {
    try {
      discardBody(exchange);
      boolean valid = !rejectEveryToken && bearerToken(exchange).map(ledger::accepts).orElse(false);
      (valid ? accepted : rejected).incrementAndGet();
      exchange.getResponseHeaders().set("Content-Type", Fault.JSON);
      if (!valid) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      }
      byte[] body = valid ? OK : INVALID_TOKEN;
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(valid ? 200 : 401, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (IOException clientGone) {
      // nothing to tell a client that has left
    } finally {
      exchange.close();
    }
  }

  private static Optional<String> bearerToken(HttpExchange exchange) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization == null || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    return Optional.of(authorization.substring(7).trim());
  }

  private static void discardBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      in.transferTo(OutputStream.nullOutputStream());
    }
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
      Objects.requireNonNull(tokenLifetime, "tokenLifetime");
      if (tokenLifetime.isNegative() || tokenLifetime.isZero()) {
        throw new IllegalArgumentException("tokenLifetime must be positive: " + tokenLifetime);
      }
      this.tokenLifetime = tokenLifetime;
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
