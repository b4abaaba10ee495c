package com.ctcfile.token.core;

import com.ctcfile.token.core.port.TokenClock;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.core.port.TokenStore;
import com.ctcfile.token.core.port.Transport;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Configures a {@link TokenManager}. Every setter validates its argument at once; {@link #build()}
 * checks the combination and fails with {@link IllegalArgumentException} or
 * {@link NullPointerException} naming the option. Not thread-safe; the manager it builds is.
 *
 * <p>The manager takes ownership of the transport and store given here and closes them when it is
 * closed (neither ever closes a client or {@code DataSource} the caller passed to it). Give each
 * manager its own transport and store instance; they may share the underlying client and database.
 * For many client ids in one JVM, use a {@link TokenRegistry}, which shares one transport, one store
 * and a few threads among all of them.
 */
public final class TokenManagerBuilder {

  static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
  static final Duration DEFAULT_POLL = Duration.ofMillis(200);
  static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_REJECTION_INTERVAL = Duration.ofSeconds(60);
  static final Duration DEFAULT_BACKOFF_MIN = Duration.ofMillis(200);
  static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);
  static final int MAX_NODE_ID_LENGTH = 128;

  URI endpoint;
  String clientId;
  String clientSecret;
  Transport transport;
  TokenStore store;
  Duration fetchTimeout = DEFAULT_FETCH_TIMEOUT;
  Duration refreshAhead;
  Duration leaseDuration = DEFAULT_LEASE;
  Duration pollInterval = DEFAULT_POLL;
  Duration storeTimeout;
  Duration settlePeriod;
  Duration rejectionRenewalInterval = DEFAULT_REJECTION_INTERVAL;
  Duration backoffMin = DEFAULT_BACKOFF_MIN;
  Duration backoffMax = DEFAULT_BACKOFF_MAX;
  TokenClock clock = TokenClock.system();
  ScheduledExecutorService scheduler;
  final List<TokenEventListener> listeners = new ArrayList<>();
  String nodeId;
  boolean allowInsecureHttp;
  // not options of the public API: a registry's managers share what the registry owns, and tests pin randomness
  DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
  Double firstRenewalPhase;
  FetchPermits fetchPermits = FetchPermits.UNLIMITED;
  boolean sharesResources;
  Runnable onClose = () -> {};

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

  /**
   * The whole fetch, connect to last byte; core aborts the exchange when it passes. Default 10 s;
   * must be shorter than the lease.
   */
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
   * The deadline of every store call inside a renewal (read, lease, publish, release). A call that
   * overruns it is cancelled and the renewal fails as a store failure, so a database whose connection
   * went dark (a half-open socket) cannot hold renewals up; the manager recovers on its own once the
   * store answers again. Default 10 s, or the lease duration if that is shorter; at most the lease.
   * Set the driver's own socket timeout too (PostgreSQL and MariaDB: {@code socketTimeout}), so the
   * store's threads are freed as well.
   */
  public TokenManagerBuilder storeTimeout(Duration storeTimeout) {
    this.storeTimeout = requirePositive(storeTimeout, "storeTimeout");
    return this;
  }

  /**
   * How long the whole fleet waits before anyone fetches again after a fetch whose outcome is unknown
   * (it timed out, or its connection broke after the request was sent): the endpoint may still issue
   * that token, and a late token would invalidate the one fetched next. Recorded in the store, so it
   * holds for every node. A refused connection (nothing sent) does not settle. Default: the fetch
   * timeout.
   */
  public TokenManagerBuilder settlePeriod(Duration settlePeriod) {
    Objects.requireNonNull(settlePeriod, "settlePeriod");
    if (settlePeriod.isNegative()) {
      throw new IllegalArgumentException("settlePeriod must not be negative: " + settlePeriod);
    }
    this.settlePeriod = settlePeriod;
    return this;
  }

  /**
   * The least time between two fetches triggered by {@code renewAfterRejection}, for the whole fleet:
   * the store records when the last one was leased. The first one is never held back. Default 60 s,
   * so an API that answers 401 for another reason than the token (permissions, say) costs the fleet at
   * most one fetch a minute, each of which would invalidate every node's token.
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
   * The scheduler for renewal timers, timeouts and store calls, to share threads between managers
   * (or to drive time in tests). Its tasks are short and never block, so one thread serves many
   * managers. Default: one daemon thread of the manager's own, named {@code ctc-token-timer-N},
   * stopped on close. A scheduler given here is never shut down by the manager.
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

  /**
   * The lease owner name of this node in the store, for people reading the table. Two nodes may share
   * one (every lease also carries a random id of its own). Default: host name, process id and a
   * random suffix. At most {@value #MAX_NODE_ID_LENGTH} characters.
   */
  public TokenManagerBuilder nodeId(String nodeId) {
    String id = requireText(nodeId, "nodeId");
    if (id.length() > MAX_NODE_ID_LENGTH) {
      throw new IllegalArgumentException("nodeId must be at most " + MAX_NODE_ID_LENGTH + " characters");
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

  /** Pins the randomness of backoff jitter and renewal spread, for tests: each draw in [0, 1]. */
  TokenManagerBuilder random(DoubleSupplier random) {
    this.random = Objects.requireNonNull(random, "random");
    return this;
  }

  /** A builder with this one's options, for one client of a registry; listeners are shared, not copied. */
  TokenManagerBuilder copy() {
    TokenManagerBuilder copy = new TokenManagerBuilder();
    copy.endpoint = endpoint;
    copy.clientId = clientId;
    copy.clientSecret = clientSecret;
    copy.transport = transport;
    copy.store = store;
    copy.fetchTimeout = fetchTimeout;
    copy.refreshAhead = refreshAhead;
    copy.leaseDuration = leaseDuration;
    copy.pollInterval = pollInterval;
    copy.storeTimeout = storeTimeout;
    copy.settlePeriod = settlePeriod;
    copy.rejectionRenewalInterval = rejectionRenewalInterval;
    copy.backoffMin = backoffMin;
    copy.backoffMax = backoffMax;
    copy.clock = clock;
    copy.scheduler = scheduler;
    copy.listeners.addAll(listeners);
    copy.nodeId = nodeId;
    copy.allowInsecureHttp = allowInsecureHttp;
    copy.random = random;
    copy.firstRenewalPhase = firstRenewalPhase;
    copy.fetchPermits = fetchPermits;
    copy.sharesResources = sharesResources;
    copy.onClose = onClose;
    return copy;
  }

  /** Builds the manager. It fetches nothing until the first call. */
  public TokenManager build() {
    check();
    return new TokenManager(ManagerWiring.of(this));
  }

  /** Checks the required options and their combination, as {@link #build()} does. */
  void check() {
    Objects.requireNonNull(endpoint, "endpoint is required");
    Objects.requireNonNull(clientId, "clientId is required");
    Objects.requireNonNull(clientSecret, "clientSecret is required");
    Objects.requireNonNull(transport, "transport is required");
    checkEndpoint();
    checkTimes();
  }

  void checkTimes() {
    if (leaseDuration.compareTo(fetchTimeout) <= 0) {
      throw new IllegalArgumentException("leaseDuration (" + leaseDuration + ") must exceed fetchTimeout ("
          + fetchTimeout + "), or every fetch could outlive its lease and be discarded");
    }
    if (storeTimeout != null && storeTimeout.compareTo(leaseDuration) > 0) {
      throw new IllegalArgumentException("storeTimeout (" + storeTimeout + ") must not exceed leaseDuration ("
          + leaseDuration + "): a publish slower than the lease is refused anyway");
    }
  }

  /** The store timeout in effect: as set, else the default capped at the lease. */
  Duration effectiveStoreTimeout() {
    if (storeTimeout != null) {
      return storeTimeout;
    }
    return DEFAULT_STORE_TIMEOUT.compareTo(leaseDuration) <= 0 ? DEFAULT_STORE_TIMEOUT : leaseDuration;
  }

  /** The settle period in effect: as set, else the fetch timeout. */
  Duration effectiveSettlePeriod() {
    return settlePeriod != null ? settlePeriod : fetchTimeout;
  }

  /** The node id in effect: as set, else host name, process id and a random suffix. */
  String effectiveNodeId() {
    if (nodeId != null) {
      return nodeId;
    }
    String host = System.getenv("HOSTNAME");
    String prefix = host == null || host.isBlank() ? "node" : host.length() > 64 ? host.substring(0, 64) : host;
    return prefix + "/" + ProcessHandle.current().pid() + "/"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt() | 0x10000000);
  }

  @Override
  public String toString() {
    return "TokenManagerBuilder{endpoint=" + endpoint + ", clientId=" + clientId + ", clientSecret="
        + (clientSecret == null ? "unset" : "<redacted>") + "}";
  }

  void checkEndpoint() {
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

  static String requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  static Duration requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
    return value;
  }
}
