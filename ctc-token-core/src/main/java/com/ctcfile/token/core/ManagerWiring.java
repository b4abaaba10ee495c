package com.ctcfile.token.core;

import com.ctcfile.token.core.port.TokenClock;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.core.port.TokenStore;
import com.ctcfile.token.core.port.Transport;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The parts one {@link TokenManager} is made of, assembled from a validated builder: which of them the
 * manager owns (and closes), and which it was lent by a {@link TokenRegistry} or the application.
 */
final class ManagerWiring {

  private static final AtomicInteger TIMER_THREADS = new AtomicInteger();
  private static final Duration SCHEDULER_STOP_GRACE = Duration.ofSeconds(2);

  private final TokenKey key;
  private final TokenClock clock;
  private final boolean hotPathTrustsTimer;
  private final RefreshPolicy refreshPolicy;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final Transport transport;
  private final TokenStore store;
  private final boolean ownsTransportAndStore;
  private final Timeouts timeouts;
  private final Backoff backoff;
  private final Listeners listeners;
  private final RenewalSettings settings;
  private final Duration fetchTimeout;
  private final FleetRenewal renewal;
  private final RenewalSpread spread;
  private final Credentials credentials;
  private final Runnable onClose;

  private ManagerWiring(TokenManagerBuilder b) {
    this.key = TokenKey.of(b.endpoint, b.clientId);
    this.clock = b.clock;
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = ownsScheduler ? newScheduler() : b.scheduler;
    this.hotPathTrustsTimer = b.clock == TokenClock.system() || !ownsScheduler;
    this.refreshPolicy = new RefreshPolicy(b.refreshAhead);
    this.transport = b.transport;
    this.store = b.store == null ? new InMemoryTokenStore(b.clock) : b.store;
    this.ownsTransportAndStore = !b.sharesResources;
    this.timeouts = new Timeouts(scheduler);
    this.backoff = new Backoff(b.backoffMin, b.backoffMax, b.random);
    this.listeners = new Listeners(b.listeners, b.clock, b.rejectionRenewalInterval);
    this.settings = new RenewalSettings(b.effectiveNodeId(), b.leaseDuration, b.pollInterval,
        b.effectiveStoreTimeout(), b.effectiveSettlePeriod(), b.rejectionRenewalInterval);
    this.fetchTimeout = b.fetchTimeout;
    this.spread = new RenewalSpread(b.random, b.firstRenewalPhase);
    this.onClose = b.onClose;
    this.credentials = new Credentials(b.endpoint, b.clientId, b.clientSecret, b.fetchTimeout);
    TokenFetcher fetcher = new TokenFetcher(transport, credentials, clock, timeouts);
    this.renewal = new FleetRenewal(new RenewalContext(key, settings, store, fetcher, clock, timeouts, listeners,
        backoff, scheduler, b.fetchPermits));
  }

  /** The parts of a manager built by {@code builder}, which {@link TokenManagerBuilder#check()} has validated. */
  static ManagerWiring of(TokenManagerBuilder builder) {
    ManagerWiring wiring = new ManagerWiring(builder);
    wiring.warnOfRequestLoggers();
    return wiring;
  }

  /**
   * The token request carries the secret in its query, and some HTTP libraries print request lines at
   * DEBUG: say so once, naming the loggers, when such a logger is on.
   */
  private void warnOfRequestLoggers() {
    List<String> loggers;
    try {
      loggers = transport.requestLoggersEnabled();
    } catch (RuntimeException e) {
      return; // a transport that cannot tell must not keep the manager from starting
    }
    if (!loggers.isEmpty()) {
      Listeners.LOG.log(Level.WARNING, () -> "the token request of " + key + " carries the client secret in its"
          + " query, and these loggers of " + transport.getClass().getSimpleName() + " print request lines or"
          + " headers at their current level: " + String.join(", ", loggers) + ". Raise them above DEBUG, or the"
          + " secret and every bearer token end up in the log");
    }
  }

  TokenKey key() {
    return key;
  }

  TokenClock clock() {
    return clock;
  }

  boolean hotPathTrustsTimer() {
    return hotPathTrustsTimer;
  }

  RefreshPolicy refreshPolicy() {
    return refreshPolicy;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  Timeouts timeouts() {
    return timeouts;
  }

  Backoff backoff() {
    return backoff;
  }

  Listeners listeners() {
    return listeners;
  }

  RenewalSettings settings() {
    return settings;
  }

  Duration fetchTimeout() {
    return fetchTimeout;
  }

  FleetRenewal renewal() {
    return renewal;
  }

  RenewalSpread spread() {
    return spread;
  }

  Credentials credentials() {
    return credentials;
  }

  /** Closes what the manager owns: its transport and store (unless lent), then its own timer thread. */
  void closeOwned() {
    onClose.run();
    if (ownsTransportAndStore) {
      closeQuietly(transport);
      closeQuietly(store);
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(SCHEDULER_STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception ignored) {
      // closing is best effort; a failing close must not keep the manager's other resources alive
    }
  }

  static ScheduledExecutorService newScheduler() {
    return newScheduler(1, "ctc-token-timer-" + TIMER_THREADS.incrementAndGet());
  }

  /** A daemon scheduler of {@code threads} threads named {@code name} (with {@code -k} when several). */
  static ScheduledExecutorService newScheduler(int threads, String name) {
    AtomicInteger number = new AtomicInteger();
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(threads, task -> {
      Thread thread = new Thread(task, threads == 1 ? name : name + "-" + number.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return executor;
  }
}
