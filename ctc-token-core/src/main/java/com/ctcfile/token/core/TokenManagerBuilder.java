package com.ctcfile.token.core;

import com.ctcfile.token.core.internal.Backoff;
import com.ctcfile.token.core.internal.FleetRenewal;
import com.ctcfile.token.core.internal.Listeners;
import com.ctcfile.token.core.internal.Redactor;
import com.ctcfile.token.core.internal.RejectionRateLimit;
import com.ctcfile.token.core.internal.Timeouts;
import com.ctcfile.token.core.internal.TokenFetcher;
import com.ctcfile.token.core.port.TokenClock;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.core.port.TokenStore;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.wire.TokenRequestUri;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Configures a {@link TokenManager}. Every setter validates its argument at once; {@link #build()}
 * checks the combination and fails with {@link IllegalArgumentException} or
 * {@link NullPointerException} naming the option. Not thread-safe; the manager it builds is.
 *
 * <p>The manager takes ownership of the transport and store given here and closes them when it is
 * closed (neither ever closes a client or {@code DataSource} the caller passed to it). Give each
 * manager its own transport and store instance; they may share the underlying client and database.
 */
public final class TokenManagerBuilder {

  static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
  static final Duration DEFAULT_POLL = Duration.ofMillis(200);
  static final Duration DEFAULT_REJECTION_INTERVAL = Duration.ofSeconds(10);
  static final Duration DEFAULT_BACKOFF_MIN = Duration.ofMillis(200);
  static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);

  private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

  private URI endpoint;
  private String clientId;
  private String clientSecret;
  private Transport transport;
  private TokenStore store;
  private Duration fetchTimeout = DEFAULT_FETCH_TIMEOUT;
  private Duration refreshAhead;
  private Duration leaseDuration = DEFAULT_LEASE;
  private Duration pollInterval = DEFAULT_POLL;
  private Duration rejectionRenewalInterval = DEFAULT_REJECTION_INTERVAL;
  private Duration backoffMin = DEFAULT_BACKOFF_MIN;
  private Duration backoffMax = DEFAULT_BACKOFF_MAX;
  private TokenClock clock = TokenClock.system();
  private ScheduledExecutorService scheduler;
  private final List<TokenEventListener> listeners = new ArrayList<>();
  private String nodeId;
  private boolean allowInsecureHttp;

  TokenManagerBuilder() {}

  /** The CTC site, e.g. {@code https://coresite.ctcfile.com}; {@code /oauth/accesstoken} is appended. Required. */
  public TokenManagerBuilder endpoint(URI endpoint) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    return this;
  }

  /** The CTC clientId. Required. */
  public TokenManagerBuilder clientId(String clientId) {
    this.clientId = requireText(clientId, "clientId");
    return this;
  }

  /** The CTC clientSecret. Required; never logged, printed or stored. */
  public TokenManagerBuilder clientSecret(String clientSecret) {
    this.clientSecret = requireText(clientSecret, "clientSecret");
    return this;
  }

  /** How the token request is sent, e.g. {@code HttpClient5Transport.create()}. Required; closed with the manager. */
  public TokenManagerBuilder transport(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
    return this;
  }

  /**
   * Where the token is shared, e.g. a {@code JdbcTokenStore}; closed with the manager. Default: a new
   * {@link InMemoryTokenStore}, which shares nothing beyond this manager.
   */
  public TokenManagerBuilder store(TokenStore store) {
    this.store = Objects.requireNonNull(store, "store");
    return this;
  }

  /** The whole fetch, connect to last byte. Default 10 s; must be shorter than the lease. */
  public TokenManagerBuilder fetchTimeout(Duration fetchTimeout) {
    this.fetchTimeout = requirePositive(fetchTimeout, "fetchTimeout");
    return this;
  }

  /**
   * How long before expiry renewal starts. Default: the smaller of 5 minutes and 20% of the token's
   * lifetime. Capped at half the lifetime.
   */
  public TokenManagerBuilder refreshAhead(Duration refreshAhead) {
    Objects.requireNonNull(refreshAhead, "refreshAhead");
    if (refreshAhead.isNegative()) {
      throw new IllegalArgumentException("refreshAhead must not be negative: " + refreshAhead);
    }
    this.refreshAhead = refreshAhead;
    return this;
  }

  /**
   * How long a node may hold the fleet's renewal lease; a node that dies while renewing blocks the
   * others for at most this long. Default 30 s; must exceed the fetch timeout.
   */
  public TokenManagerBuilder leaseDuration(Duration leaseDuration) {
    this.leaseDuration = requirePositive(leaseDuration, "leaseDuration");
    return this;
  }

  /**
   * How often a node re-reads the store while another node holds the lease. Default 200 ms: a waiting
   * node costs one read per interval for as long as the other node's fetch takes.
   */
  public TokenManagerBuilder leasePollInterval(Duration pollInterval) {
    this.pollInterval = requirePositive(pollInterval, "leasePollInterval");
    return this;
  }

  /**
   * The least time between two fetches triggered by {@code renewAfterRejection} on this node. The
   * first such fetch is never held back. Default 10 s.
   */
  public TokenManagerBuilder rejectionRenewalInterval(Duration interval) {
    Objects.requireNonNull(interval, "rejectionRenewalInterval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("rejectionRenewalInterval must not be negative: " + interval);
    }
    this.rejectionRenewalInterval = interval;
    return this;
  }

  /** The bounds of the retry backoff after failed fetches. Default 200 ms to 30 s. */
  public TokenManagerBuilder retryBackoff(Duration min, Duration max) {
    requirePositive(min, "retryBackoff min");
    requirePositive(max, "retryBackoff max");
    if (max.compareTo(min) < 0) {
      throw new IllegalArgumentException("retryBackoff max " + max + " is below min " + min);
    }
    this.backoffMin = min;
    this.backoffMax = max;
    return this;
  }

  /**
   * The time source, for tests. With a clock other than {@link TokenClock#system()} and no
   * {@link #scheduler} of its own, the hot path reads the clock on every call, since the manager's
   * real-time timer cannot follow a clock moved by hand.
   */
  public TokenManagerBuilder clock(TokenClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** The time source as a {@link Clock}; see {@link #clock(TokenClock)}. */
  public TokenManagerBuilder clock(Clock clock) {
    return clock(TokenClock.of(clock));
  }

  /**
   * The scheduler for renewal timers and timeouts; its tasks are short and never block. Default: a
   * daemon thread of the manager's own, stopped on close. A scheduler given here is not shut down.
   */
  public TokenManagerBuilder scheduler(ScheduledExecutorService scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /** Adds a listener for fetches, adoptions, rejections and lost leases; see {@link TokenEventListener}. */
  public TokenManagerBuilder listener(TokenEventListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** The lease owner name of this node in the store. Default: host name, process id and a random suffix. */
  public TokenManagerBuilder nodeId(String nodeId) {
    String id = requireText(nodeId, "nodeId");
    if (id.length() > 128) {
      throw new IllegalArgumentException("nodeId must be at most 128 characters");
    }
    this.nodeId = id;
    return this;
  }

  /**
   * Allows a plain {@code http} endpoint on a host other than loopback. Off by default: the secret
   * travels in the query string and would cross the network in clear text.
   */
  public TokenManagerBuilder allowInsecureHttp(boolean allow) {
    this.allowInsecureHttp = allow;
    return this;
  }

  /** Builds the manager. It fetches nothing until the first call. */
  public TokenManager build() {
    Objects.requireNonNull(endpoint, "endpoint is required");
    Objects.requireNonNull(clientId, "clientId is required");
    Objects.requireNonNull(clientSecret, "clientSecret is required");
    Objects.requireNonNull(transport, "transport is required");
    checkEndpoint();
    if (leaseDuration.compareTo(fetchTimeout) <= 0) {
      throw new IllegalArgumentException("leaseDuration (" + leaseDuration + ") must exceed fetchTimeout ("
          + fetchTimeout + "), or every fetch could outlive its lease and be discarded");
    }
    return new TokenManager(new Settings(this));
  }

  @Override
  public String toString() {
    return "TokenManagerBuilder{endpoint=" + endpoint + ", clientId=" + clientId + ", clientSecret="
        + (clientSecret == null ? "unset" : "<redacted>") + "}";
  }

  private void checkEndpoint() {
    if (!endpoint.isAbsolute() || endpoint.getHost() == null) {
      throw new IllegalArgumentException("endpoint must be an absolute http(s) URI with a host: " + endpoint);
    }
    if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null || endpoint.getRawUserInfo() != null) {
      throw new IllegalArgumentException("endpoint must have no query, fragment or user info: " + endpoint.getHost());
    }
    String scheme = endpoint.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("https")) {
      return;
    }
    if (!scheme.equals("http")) {
      throw new IllegalArgumentException("endpoint scheme must be https (or http on loopback): " + scheme);
    }
    if (!BearerHosts.mayCarryToken(scheme, endpoint.getHost(), allowInsecureHttp)) {
      throw new IllegalArgumentException("endpoint " + endpoint + " uses plain http to a host that is not loopback;"
          + " the client secret would cross the network in clear text. Use https, or allowInsecureHttp(true)");
    }
  }

  private static String requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  private static Duration requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
    return value;
  }

  private static String defaultNodeId() {
    String host = System.getenv("HOSTNAME");
    String prefix = host == null || host.isBlank() ? "node" : host.length() > 64 ? host.substring(0, 64) : host;
    return prefix + "/" + ProcessHandle.current().pid() + "/"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt() | 0x10000000);
  }

  /** The validated configuration a manager is made of. */
  static final class Settings {
    final TokenKey key;
    final TokenClock clock;
    final boolean hotPathTrustsTimer;
    final Duration refreshAhead;
    final Duration fetchTimeout;
    final Duration leaseDuration;
    final Duration pollInterval;
    final ScheduledExecutorService scheduler;
    final boolean ownsScheduler;
    final Backoff backoff;
    final Listeners listeners;
    final Transport transport;
    final TokenStore store;
    final String nodeId;
    private final TransportRequest request;
    private final Redactor redactor;
    private final RejectionRateLimit rejectionLimit;

    private Settings(TokenManagerBuilder b) {
      this.key = TokenKey.of(b.endpoint, b.clientId);
      this.clock = b.clock;
      this.ownsScheduler = b.scheduler == null;
      this.scheduler = ownsScheduler ? newScheduler(key) : b.scheduler;
      this.hotPathTrustsTimer = b.clock == TokenClock.system() || !ownsScheduler;
      this.refreshAhead = b.refreshAhead;
      this.fetchTimeout = b.fetchTimeout;
      this.leaseDuration = b.leaseDuration;
      this.pollInterval = b.pollInterval;
      this.backoff = new Backoff(b.backoffMin, b.backoffMax, new Random());
      this.listeners = new Listeners(b.listeners);
      this.transport = b.transport;
      this.store = b.store == null ? new InMemoryTokenStore(b.clock) : b.store;
      this.nodeId = b.nodeId == null ? defaultNodeId() : b.nodeId;
      this.request = new TransportRequest(TokenRequestUri.of(b.endpoint, b.clientId, b.clientSecret),
          b.fetchTimeout, TransportRequest.DEFAULT_MAX_BODY_BYTES);
      this.redactor = Redactor.forSecret(b.clientSecret);
      this.rejectionLimit = new RejectionRateLimit(b.clock, b.rejectionRenewalInterval);
    }

    FleetRenewal renewal(Timeouts timeouts) {
      TokenFetcher fetcher = new TokenFetcher(transport, request, redactor, clock, timeouts);
      return new FleetRenewal(key, store, fetcher, nodeId, leaseDuration, pollInterval, clock, timeouts,
          listeners, backoff, rejectionLimit, redactor, scheduler);
    }

    private static ScheduledExecutorService newScheduler(TokenKey key) {
      ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
        Thread thread = new Thread(task, "ctc-token-timer-" + THREAD_NUMBER.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      });
      executor.setRemoveOnCancelPolicy(true);
      executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      return executor;
    }
  }
}
