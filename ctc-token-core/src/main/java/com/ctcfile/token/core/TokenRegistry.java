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
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many client ids in one JVM: one {@link TokenManager} per client id, all sharing one transport (one
 * connection pool), one store (one row per client id) and a few timer threads.
 *
 * <pre>{@code
 * TokenRegistry registry = TokenRegistry.builder()
 *     .endpoint(URI.create("https://coresite.ctcfile.com"))
 *     .transport(HttpClient5Transport.create())          // one client and pool for every client id; owned
 *     .store(JdbcTokenStore.builder(dataSource).build()) // one store, one row per client id; owned
 *     .build();                                          // the TokenManager options apply to every client
 * TokenProvider customerA = registry.provider("client-a", secretA); // created on first use, then the same
 * registry.remove("client-a");                                      // closes that provider only
 * registry.close();                                                 // closes everything it owns
 * }</pre>
 *
 * <p>A provider from the registry is a {@link TokenManager} with every guarantee of one built alone
 * (hot path, single flight, the fleet protocol, backoff, rate limits and leases per client id): one
 * customer with a wrong secret backs off alone and never slows the others. Nothing is fetched for a
 * client before its first call. Its {@code close()} is {@link #remove}: it closes that client only,
 * never the shared transport, store or threads.
 *
 * <p><b>Threads.</b> The registry's own: {@link Builder#threads(int)} timer threads (default 2, at
 * most 4), named {@code ctc-token-registry-N-timer-k}, whatever the number of clients; their tasks
 * (timers, store calls handed to the store, completions) are short and never block. Add the
 * transport's and the store's fixed pools (for example the two threads of an owned
 * {@code HttpClient5Transport}, its I/O thread and HttpClient's own executor, and the two statement
 * threads and the watchdog of a {@code JdbcTokenStore}). {@link Builder#scheduler(ScheduledExecutorService)}
 * lends the registry a scheduler of yours instead.
 *
 * <p><b>Spread.</b> Clients that got their first tokens together would otherwise renew together every
 * lifetime; each client's first renewal starts up to 30 % of its first cycle early, the clients' phases
 * spaced evenly (a golden-ratio sequence), which spreads the renewals for good.
 *
 * <p><b>Fetches at once.</b> At most {@link Builder#maxConcurrentFetches(int)} fetches (default
 * {@value #DEFAULT_MAX_CONCURRENT_FETCHES}) run at once for the whole registry; the others wait their
 * turn, without holding a lease and without their fetch timeout running, instead of queueing in the
 * transport's connection pool until they time out.
 *
 * <p>Thread-safe.
 */
public final class TokenRegistry implements AutoCloseable {

  /** The most timer threads a registry starts. */
  public static final int MAX_THREADS = 4;

  /** How many fetches a registry runs at once unless told otherwise. */
  public static final int DEFAULT_MAX_CONCURRENT_FETCHES = 16;

  private static final AtomicInteger REGISTRIES = new AtomicInteger();

  private final TokenManagerBuilder template;
  private final Transport transport;
  private final TokenStore store;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final ConcurrentMap<String, TokenManager> providers = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong created = new AtomicLong();

  private TokenRegistry(Builder builder) {
    TokenManagerBuilder b = builder.template;
    this.transport = b.transport;
    this.store = b.store == null ? new InMemoryTokenStore(b.clock) : b.store;
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = ownsScheduler
        ? ManagerWiring.newScheduler(builder.threads, "ctc-token-registry-" + REGISTRIES.incrementAndGet() + "-timer")
        : b.scheduler;
    this.template = b.copy();
    template.store = store;
    template.scheduler = scheduler;
    template.nodeId = b.effectiveNodeId();
    template.sharesResources = true;
    template.fetchPermits = new FetchPermits(builder.maxConcurrentFetches);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The provider of {@code clientId}, created on first use and the same one afterwards. Called with a
   * secret other than the one in use, it switches the client to it for its future fetches (secret
   * rotation) without fetching; the token held stays in use until its renewal.
   *
   * @throws IllegalStateException if the registry is closed
   * @throws IllegalArgumentException if {@code clientId} or {@code clientSecret} is blank
   */
  public TokenManager provider(String clientId, String clientSecret) {
    TokenManagerBuilder.requireText(clientId, "clientId");
    TokenManagerBuilder.requireText(clientSecret, "clientSecret");
    for (;;) {
      if (closed.get()) {
        throw new IllegalStateException("token registry is closed");
      }
      TokenManager manager = providers.get(clientId);
      if (manager == null) { // computeIfAbsent alone would allocate its lambda on every lookup
        manager = providers.computeIfAbsent(clientId, id -> create(id, clientSecret));
      }
      if (!manager.isClosed()) {
        if (!manager.usesSecret(clientSecret)) {
          manager.rotateSecret(clientSecret);
        }
        return manager;
      }
      providers.remove(clientId, manager); // closed meanwhile by its own close(): make a new one
    }
  }

  /** The provider of {@code clientId} if one was created and not removed. */
  public Optional<TokenManager> find(String clientId) {
    return Optional.ofNullable(providers.get(clientId));
  }

  /** How many clients the registry holds. */
  public int size() {
    return providers.size();
  }

  /** The status of every client's provider, for health checks and metrics; no I/O. */
  public List<TokenStatus> status() {
    List<TokenStatus> all = new ArrayList<>(providers.size());
    for (TokenManager manager : providers.values()) {
      all.add(manager.status());
    }
    return all;
  }

  /**
   * Closes the provider of {@code clientId} (as its {@code close()} does) and forgets it; the shared
   * transport, store and threads stay. A later {@link #provider} call creates a new one.
   *
   * @return whether a provider was removed
   */
  public boolean remove(String clientId) {
    TokenManager manager = providers.remove(clientId);
    if (manager == null) {
      return false;
    }
    manager.close();
    return true;
  }

  /**
   * Closes every provider, then the transport and store given to the builder, then the registry's
   * own threads. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (String clientId : List.copyOf(providers.keySet())) {
      remove(clientId);
    }
    closeQuietly(transport);
    closeQuietly(store);
    if (ownsScheduler) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "TokenRegistry{endpoint=" + template.endpoint + ", clients=" + providers.size()
        + (closed.get() ? ", closed" : "") + "}";
  }

  private TokenManager create(String clientId, String clientSecret) {
    TokenManagerBuilder builder = template.copy();
    builder.clientId = clientId;
    builder.clientSecret = clientSecret;
    builder.firstRenewalPhase = RenewalSpread.phase(created.incrementAndGet());
    TokenManager[] made = new TokenManager[1];
    builder.onClose = () -> providers.remove(clientId, made[0]);
    made[0] = new TokenManager(ManagerWiring.of(builder));
    return made[0];
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception ignored) {
      // best effort: a failing close must not keep the registry's threads alive
    }
  }

  /**
   * Configures a {@link TokenRegistry}: the options of {@link TokenManagerBuilder}, applied to every
   * client, without the client id and secret, which {@link TokenRegistry#provider} takes. Setters
   * validate at once; not thread-safe.
   */
  public static final class Builder {
    private final TokenManagerBuilder template = new TokenManagerBuilder();
    private int threads = 2;
    private int maxConcurrentFetches = DEFAULT_MAX_CONCURRENT_FETCHES;

    private Builder() {}

    /** The CTC site, e.g. {@code https://coresite.ctcfile.com}. Required. */
    public Builder endpoint(URI endpoint) {
      template.endpoint(endpoint);
      return this;
    }

    /** One transport for every client (one connection pool). Required; closed with the registry. */
    public Builder transport(Transport transport) {
      template.transport(transport);
      return this;
    }

    /** One store for every client, one row each. Default: an in-memory store. Closed with the registry. */
    public Builder store(TokenStore store) {
      template.store(store);
      return this;
    }

    /** See {@link TokenManagerBuilder#fetchTimeout}. */
    public Builder fetchTimeout(Duration fetchTimeout) {
      template.fetchTimeout(fetchTimeout);
      return this;
    }

    /** See {@link TokenManagerBuilder#refreshAhead}. */
    public Builder refreshAhead(Duration refreshAhead) {
      template.refreshAhead(refreshAhead);
      return this;
    }

    /** See {@link TokenManagerBuilder#leaseDuration}. */
    public Builder leaseDuration(Duration leaseDuration) {
      template.leaseDuration(leaseDuration);
      return this;
    }

    /** See {@link TokenManagerBuilder#leasePollInterval}. */
    public Builder leasePollInterval(Duration pollInterval) {
      template.leasePollInterval(pollInterval);
      return this;
    }

    /** See {@link TokenManagerBuilder#storeTimeout}. */
    public Builder storeTimeout(Duration storeTimeout) {
      template.storeTimeout(storeTimeout);
      return this;
    }

    /** See {@link TokenManagerBuilder#settlePeriod}. */
    public Builder settlePeriod(Duration settlePeriod) {
      template.settlePeriod(settlePeriod);
      return this;
    }

    /** See {@link TokenManagerBuilder#rejectionRenewalInterval}; the limit is per client id. */
    public Builder rejectionRenewalInterval(Duration interval) {
      template.rejectionRenewalInterval(interval);
      return this;
    }

    /** See {@link TokenManagerBuilder#retryBackoff}; backoff is per client id. */
    public Builder retryBackoff(Duration min, Duration max) {
      template.retryBackoff(min, max);
      return this;
    }

    /** See {@link TokenManagerBuilder#clock(TokenClock)}. */
    public Builder clock(TokenClock clock) {
      template.clock(clock);
      return this;
    }

    /** See {@link TokenManagerBuilder#clock(Clock)}. */
    public Builder clock(Clock clock) {
      template.clock(clock);
      return this;
    }

    /** A scheduler of yours for every client's timers and store calls, never shut down by the registry. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      template.scheduler(scheduler);
      return this;
    }

    /** The number of timer threads the registry starts when no scheduler is given: 1 to {@value #MAX_THREADS}, default 2. */
    public Builder threads(int threads) {
      if (threads < 1 || threads > MAX_THREADS) {
        throw new IllegalArgumentException("threads must be 1.." + MAX_THREADS + ": " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * How many token fetches may run at once for the whole registry; more wait their turn (holding no
     * lease, their fetch timeout not running). Default {@value #DEFAULT_MAX_CONCURRENT_FETCHES}; match
     * it to the transport's connections per host.
     */
    public Builder maxConcurrentFetches(int maxConcurrentFetches) {
      if (maxConcurrentFetches < 1) {
        throw new IllegalArgumentException("maxConcurrentFetches must be at least 1: " + maxConcurrentFetches);
      }
      this.maxConcurrentFetches = maxConcurrentFetches;
      return this;
    }

    /** A listener for every client's events; keys tell the clients apart. */
    public Builder listener(TokenEventListener listener) {
      template.listener(listener);
      return this;
    }

    /** See {@link TokenManagerBuilder#nodeId}; one name for every client's leases. */
    public Builder nodeId(String nodeId) {
      template.nodeId(nodeId);
      return this;
    }

    /** See {@link TokenManagerBuilder#allowInsecureHttp}. */
    public Builder allowInsecureHttp(boolean allow) {
      template.allowInsecureHttp(allow);
      return this;
    }

    /** The registry; it fetches nothing until a provider's first call. */
    public TokenRegistry build() {
      Objects.requireNonNull(template.endpoint, "endpoint is required");
      Objects.requireNonNull(template.transport, "transport is required");
      template.checkEndpoint();
      template.checkTimes();
      return new TokenRegistry(this);
    }

    @Override
    public String toString() {
      return "TokenRegistry.Builder{endpoint=" + template.endpoint + ", threads=" + threads + "}";
    }
  }
}
