package com.ctcfile.token.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * <p><b>Many clients.</b> Besides the first client ({@link Builder#clientId}/{@link Builder#clientSecret}),
 * the server may know any number of others ({@link Builder#client(String, String)},
 * {@link Builder#clients(Map)}), each with a secret and a ledger of its own: a fetch invalidates the
 * previous token of the client that fetched and of no other, and the protected endpoint accepts a token
 * if it is the current one (or one in its grace period) of some client. The methods without a client id
 * that count ({@link #fetches()}, {@link #tokenRequests()}, {@link #accepted()}, {@link #rejected()})
 * count for all clients together; those that name a token ({@link #currentToken()},
 * {@link #issueTokenOutOfBand()}) and the credentials ({@link #clientId()}, {@link #clientSecret()})
 * are the first client's; the methods taking a client id are that client's. The {@link Fault}s and
 * {@linkplain #enqueueLifetimes queued lifetimes} serve the next token requests, whichever client sends
 * them; a fault that issues a token without checking credentials ({@link Fault#successWith},
 * {@link Fault#stallBody}) issues it to the client the request names, or to the first client if the
 * request names none the server knows. New tokens are distinct from every token any client holds.
 * Finding a client by id and a token's client are hash lookups, so the number of clients does not slow
 * a request: 10,000 clients are tested, and well over a thousand fetches a second are served on two
 * shared cores (the clients in the same process).
 *
 * <pre>{@code
 * FakeCtcServer server = FakeCtcServer.builder().clients(Map.of("a", "secret-a", "b", "secret-b")).build().start();
 * // ... clients a and b fetch ...
 * assertThat(server.fetches("a")).isEqualTo(1);
 * assertThat(server.currentToken("b")).isPresent();
 * }</pre>
 *
 * <p><b>Thread-safety:</b> every method may be called from any thread while requests are served;
 * counters are exact. The server handles about 50 concurrent connections (each request on a thread of
 * its own pool of daemon threads). <b>Secrets:</b> neither {@link #toString()} nor anything this class writes
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

  private final Duration tokenLifetime;
  // the token endpoint and the protected API share the clients and their ledgers; this class is their
  // lifecycle and facade
  private final KnownClients clients;
  private final TokenEndpoint tokenEndpoint;
  private final ProtectedApi api;

  private final Object lifecycle = new Object();
  private HttpServer server;
  private ThreadPoolExecutor executor;
  private volatile int port;
  private boolean closed;

  private FakeCtcServer(Builder builder) {
    this.tokenLifetime = builder.tokenLifetime;
    Map<String, String> credentials = new LinkedHashMap<>();
    credentials.put(builder.clientId, builder.clientSecret);
    credentials.putAll(builder.otherClients);
    this.clients = new KnownClients(credentials, builder.tokenLifetime, builder.gracePeriod, builder.tokenLength,
        builder.nanoClock);
    this.tokenEndpoint = new TokenEndpoint(clients, tokenLifetime);
    this.api = new ProtectedApi(clients);
  }

  /** A builder with the defaults: one client, {@code fake-client-id}/{@code fake-client-secret}; 3600 s tokens of 790 characters, no grace period. */
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

  /** The first client's id. */
  public String clientId() {
    return clients.first().id;
  }

  /** The first client's secret. */
  public String clientSecret() {
    return clients.first().secret();
  }

  /** Every client id the server knows, the first client's first, then in the order they were added. */
  public Set<String> clientIds() {
    return clients.ids();
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

  /** Tokens issued by token replies to any client (not by {@link #issueTokenOutOfBand()}). */
  public int fetches() {
    return tokenEndpoint.fetches();
  }

  /**
   * Tokens issued by token replies to {@code clientId}.
   *
   * @throws IllegalArgumentException if the server knows no such client
   */
  public int fetches(String clientId) {
    return clients.require(clientId).fetches.get();
  }

  /** Requests that reached the token endpoint, whatever their outcome and whichever client they name. */
  public int tokenRequests() {
    return tokenEndpoint.tokenRequests();
  }

  /**
   * Requests that reached the token endpoint naming {@code clientId} (its first {@code clientId}
   * parameter), whatever their outcome: with a wrong secret too.
   *
   * @throws IllegalArgumentException if the server knows no such client
   */
  public int tokenRequests(String clientId) {
    return clients.require(clientId).tokenRequests.get();
  }

  /** Requests the protected endpoint answered with 200. */
  public int accepted() {
    return api.accepted();
  }

  /**
   * Requests the protected endpoint answered with 200 to a token of {@code clientId}.
   *
   * @throws IllegalArgumentException if the server knows no such client
   */
  public int accepted(String clientId) {
    return clients.require(clientId).accepted.get();
  }

  /** Requests the protected endpoint answered with 401. */
  public int rejected() {
    return api.rejected();
  }

  /** The first client's token the protected endpoint accepts now; empty if none was issued yet or it has expired. */
  public Optional<String> currentToken() {
    return clients.first().ledger.current();
  }

  /**
   * The current token of {@code clientId}; empty if none was issued yet or it has expired.
   *
   * @throws IllegalArgumentException if the server knows no such client
   */
  public Optional<String> currentToken(String clientId) {
    return clients.require(clientId).ledger.current();
  }

  /**
   * Issues a new token to the first client as if another client of its credentials (a colleague's
   * {@code curl}) had fetched one: its current token is invalidated (after the grace period, if any).
   * Counts neither as a fetch nor as a token request.
   *
   * @return the new current token
   */
  public String issueTokenOutOfBand() {
    return clients.first().ledger.issueNew();
  }

  /**
   * {@link #issueTokenOutOfBand()} for {@code clientId}: its current token is invalidated, no other
   * client's.
   *
   * @return the new current token of {@code clientId}
   * @throws IllegalArgumentException if the server knows no such client
   */
  public String issueTokenOutOfBand(String clientId) {
    return clients.require(clientId).ledger.issueNew();
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
        + ", clients=" + clients.size() + ", lifetime=" + tokenLifetime + ", fetches=" + fetches() + ", tokenRequests=" + tokenRequests()
        + ", accepted=" + accepted() + ", rejected=" + rejected() + "}";
  }

  /**
   * Configures a {@link FakeCtcServer}. Setters validate at once and fail with
   * {@link IllegalArgumentException} or {@link NullPointerException}. Not thread-safe.
   */
  public static final class Builder {

    private String clientId = "fake-client-id";
    private String clientSecret = "fake-client-secret";
    private final Map<String, String> otherClients = new LinkedHashMap<>();
    private Duration tokenLifetime = Duration.ofSeconds(3600);
    private int tokenLength = 790;
    private Duration gracePeriod = Duration.ZERO;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder() {}

    /**
     * The first client's id, the one the token endpoint accepts with {@link #clientSecret}. Default
     * {@code fake-client-id}; any non-empty text that no {@linkplain #client other client} has.
     */
    public Builder clientId(String clientId) {
      requireText(clientId, "clientId");
      requireNew(clientId, otherClients.containsKey(clientId));
      this.clientId = clientId;
      return this;
    }

    /** The first client's secret. Default {@code fake-client-secret}; any non-empty text. */
    public Builder clientSecret(String clientSecret) {
      this.clientSecret = requireText(clientSecret, "clientSecret");
      return this;
    }

    /**
     * One more client the server knows, besides the first ({@link #clientId}) and those added before,
     * with a secret and a token ledger of its own. Any number may be added (10,000 are served well).
     *
     * @throws IllegalArgumentException if either is empty, or the server already knows {@code clientId}
     */
    public Builder client(String clientId, String clientSecret) {
      requireText(clientId, "clientId");
      requireText(clientSecret, "clientSecret");
      requireNew(clientId, clientId.equals(this.clientId) || otherClients.containsKey(clientId));
      otherClients.put(clientId, clientSecret);
      return this;
    }

    /**
     * {@link #client(String, String)} for each entry of {@code clients} (client id to secret), in the
     * map's order; nothing is added if one entry is refused.
     *
     * @throws IllegalArgumentException if an id or secret is empty, or an id is already known
     * @throws NullPointerException if the map, an id or a secret is null
     */
    public Builder clients(Map<String, String> clients) {
      Objects.requireNonNull(clients, "clients");
      Map<String, String> checked = new LinkedHashMap<>();
      clients.forEach((id, secret) -> {
        requireText(id, "clientId");
        requireText(secret, "clientSecret");
        requireNew(id, id.equals(clientId) || otherClients.containsKey(id));
        checked.put(id, secret);
      });
      otherClients.putAll(checked);
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

    private static void requireNew(String clientId, boolean known) {
      if (known) {
        throw new IllegalArgumentException("clientId " + clientId + " is already known");
      }
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
      return "FakeCtcServer.Builder{clients=" + (1 + otherClients.size()) + ", lifetime=" + tokenLifetime
          + ", tokenLength=" + tokenLength
          + ", grace=" + gracePeriod + "}";
    }
  }
}
