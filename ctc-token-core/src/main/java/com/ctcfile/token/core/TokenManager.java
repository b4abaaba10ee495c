package com.ctcfile.token.core;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.internal.Backoff;
import com.ctcfile.token.core.internal.Failures;
import com.ctcfile.token.core.internal.FleetRenewal.Request;
import com.ctcfile.token.core.internal.FleetRenewal;
import com.ctcfile.token.core.internal.Held;
import com.ctcfile.token.core.internal.Listeners;
import com.ctcfile.token.core.internal.RefreshPolicy;
import com.ctcfile.token.core.internal.RenewalFailure;
import com.ctcfile.token.core.internal.Renewed;
import com.ctcfile.token.core.internal.Timeouts;
import com.ctcfile.token.core.port.TokenClock;
import com.ctcfile.token.core.port.TokenEventListener.FetchReason;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.core.port.TokenStore;
import com.ctcfile.token.core.port.Transport;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link TokenProvider} of ctc-token: holds the current token of one key, renews it in the
 * background before it expires, and coordinates with other nodes through a {@link TokenStore}.
 *
 * <p><b>Hot path.</b> While the held token is before its refresh point, {@link #token()} is one
 * volatile read: no lock, no I/O, no allocation and no clock read. A timer clears that fast path at
 * the refresh point and starts the renewal; from then until the new token arrives, calls read the
 * clock and keep getting the current token as long as it is valid.
 *
 * <p><b>Renewal.</b> One renewal at a time per node; with a shared store one per fleet (see
 * {@link TokenStore}). Failures back off exponentially with jitter (200 ms to 30 s by default) while a
 * valid token keeps being served; a caller with no valid token during backoff gets the last failure
 * at once. Build it with {@link #builder()}; it is thread-safe.
 */
public final class TokenManager implements TokenProvider {

  private final TokenKey key;
  private final TokenClock clock;
  private final boolean hotPathTrustsTimer;
  private final RefreshPolicy refreshPolicy;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final Timeouts timeouts;
  private final FleetRenewal renewal;
  private final Backoff backoff;
  private final Listeners listener;
  private final Transport transport;
  private final TokenStore store;
  private final Duration maxWait;
  private final String nodeId;
  private final Random jitter = new Random();

  // The fast path: non-null only before the held token's refresh point, cleared by a timer.
  private volatile Held fresh;
  // The newest token this node holds, valid or not; null before the first one and after close.
  private volatile Held current;

  private final Object lock = new Object();
  // volatile so that callers of a due token skip the lock while its renewal runs
  private volatile CompletableFuture<Held> inFlight;
  private CtcTokenException lastFailure;
  private boolean backingOff;
  private long retryAtNanos;
  private ScheduledFuture<?> refreshTimer;
  private ScheduledFuture<?> retryTimer;
  private boolean closed;

  TokenManager(TokenManagerBuilder.Settings settings) {
    this.key = settings.key;
    this.clock = settings.clock;
    this.hotPathTrustsTimer = settings.hotPathTrustsTimer;
    this.refreshPolicy = new RefreshPolicy(settings.refreshAhead);
    this.scheduler = settings.scheduler;
    this.ownsScheduler = settings.ownsScheduler;
    this.timeouts = new Timeouts(scheduler);
    this.backoff = settings.backoff;
    this.listener = settings.listeners;
    this.transport = settings.transport;
    this.store = settings.store;
    this.nodeId = settings.nodeId;
    this.maxWait = settings.leaseDuration.plus(settings.fetchTimeout).plus(settings.pollInterval.multipliedBy(2));
    this.renewal = settings.renewal(timeouts);
  }

  /** A builder; {@code endpoint}, {@code clientId}, {@code clientSecret} and {@code transport} are required. */
  public static TokenManagerBuilder builder() {
    return new TokenManagerBuilder();
  }

  /** The key this manager renews: clientId at the endpoint's host. */
  public TokenKey key() {
    return key;
  }

  /** The name this node uses as lease owner in the store. */
  public String nodeId() {
    return nodeId;
  }

  @Override
  public AccessToken token() {
    Held held = fresh;
    if (held != null && (hotPathTrustsTimer || !held.isDueAt(clock.nanoTime()))) {
      return held.token();
    }
    long now = clock.nanoTime();
    Held seen = current;
    if (isValid(seen, now)) {
      return seen.token();
    }
    return await(renewal(seen, now), "a token");
  }

  @Override
  public CompletionStage<AccessToken> tokenAsync() {
    Held held = fresh;
    if (held != null && (hotPathTrustsTimer || !held.isDueAt(clock.nanoTime()))) {
      return held.stage();
    }
    long now = clock.nanoTime();
    Held seen = current;
    if (isValid(seen, now)) {
      return seen.stage();
    }
    return bounded(renewal(seen, now), "a token").thenApply(Held::token);
  }

  @Override
  public AccessToken renewAfterRejection(AccessToken rejected) {
    return await(afterRejection(requireToken(rejected), 0), "a token newer than version " + rejected.version());
  }

  @Override
  public CompletionStage<AccessToken> renewAfterRejectionAsync(AccessToken rejected) {
    return bounded(afterRejection(requireToken(rejected), 0), "a token newer than version " + rejected.version())
        .thenApply(Held::token);
  }

  @Override
  public void close() {
    CompletableFuture<Held> pending;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      fresh = null;
      current = null;
      cancel(refreshTimer);
      cancel(retryTimer);
      pending = inFlight;
      inFlight = null;
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    closeQuietly(transport);
    closeQuietly(store);
    if (pending != null) {
      pending.completeExceptionally(closedException());
    }
  }

  /**
   * What this manager is doing right now, without I/O and without blocking: callable from any
   * thread, an event loop included. Never carries the token or the secret.
   */
  public TokenStatus status() {
    synchronized (lock) {
      long now = clock.nanoTime();
      Held held = current;
      TokenStatus.State state;
      if (closed) {
        state = TokenStatus.State.CLOSED;
      } else if (inFlight != null) {
        state = TokenStatus.State.RENEWING;
      } else if (inBackoff()) {
        state = TokenStatus.State.BACKING_OFF;
      } else if (held == null) {
        state = TokenStatus.State.NO_TOKEN;
      } else {
        state = held.isValidAt(now) ? TokenStatus.State.VALID : TokenStatus.State.EXPIRED;
      }
      TokenStatus.Builder status = TokenStatus.builder(key, state);
      if (held != null) {
        status.token(held.version(), held.token().expiresAt(), Duration.ofNanos(held.expiresAtNanos() - now));
      }
      if (lastFailure != null) {
        status.lastFailure(FleetRenewal.errorCode(lastFailure), lastFailure.getClass().getSimpleName());
      }
      if (inBackoff()) {
        status.nextAttempt(clock.instant().plusNanos(retryAtNanos - now));
      }
      return status.build();
    }
  }

  @Override
  public String toString() {
    Held held = current;
    return "TokenManager{key=" + key + ", node=" + nodeId + ", version=" + (held == null ? 0 : held.version()) + "}";
  }

  /** Whether {@code seen} is valid at {@code now}; if it is but due, starts its renewal. */
  private boolean isValid(Held seen, long now) {
    if (seen == null || !seen.isValidAt(now)) {
      return false;
    }
    if (seen.isDueAt(now)) {
      startIfIdle(seen, FetchReason.REFRESH_AHEAD);
    }
    return true;
  }

  private static FetchReason reasonFor(Held seen, long now) {
    return seen == null ? FetchReason.INITIAL : seen.isValidAt(now) ? FetchReason.REFRESH_AHEAD : FetchReason.EXPIRED;
  }

  /**
   * Joins the renewal in flight or starts one for a caller who found {@code seen} not valid; fails at
   * once while backing off or closed. A renewal that completed since the caller looked is the answer:
   * starting another would fetch a token nobody needs and invalidate the one just installed.
   */
  private CompletableFuture<Held> renewal(Held seen, long now) {
    Launch launch;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(closedException());
      }
      if (inFlight != null) {
        return inFlight;
      }
      Held latest = current;
      if (latest != seen && latest != null && latest.isValidAt(clock.nanoTime())) {
        return CompletableFuture.completedFuture(latest);
      }
      if (inBackoff()) {
        return CompletableFuture.failedFuture(lastFailure);
      }
      launch = begin(Request.scheduled(heldVersion(), reasonFor(seen, now)));
    }
    launch.run();
    return launch.promise;
  }

  /** Starts the renewal of {@code seen} unless one runs, the node backs off, or {@code seen} was replaced meanwhile. */
  private void startIfIdle(Held seen, FetchReason reason) {
    if (inFlight != null) {
      return;
    }
    Launch launch;
    synchronized (lock) {
      if (closed || inFlight != null || inBackoff() || current != seen) {
        return;
      }
      launch = begin(Request.scheduled(seen.version(), reason));
    }
    launch.run();
  }

  private CompletableFuture<Held> afterRejection(AccessToken rejected, int joins) {
    long rejectedVersion = rejected.version();
    Held held = current;
    if (held != null && held.version() > rejectedVersion && held.isValidAt(clock.nanoTime())) {
      listener.renewedAfterRejection(key, rejectedVersion, held.version(), false);
      return CompletableFuture.completedFuture(held);
    }
    Launch launch = null;
    CompletableFuture<Held> joined;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(closedException());
      }
      if (inFlight != null) {
        joined = inFlight;
      } else if (inBackoff()) {
        return CompletableFuture.failedFuture(lastFailure);
      } else {
        launch = begin(Request.afterRejection(heldVersion(), rejectedVersion));
        joined = launch.promise;
      }
    }
    if (launch != null) {
      launch.run();
      return joined.thenApply(renewed -> {
        listener.renewedAfterRejection(key, rejectedVersion, renewed.version(), renewed.fetchedHere());
        return renewed;
      });
    }
    // a renewal already in flight may not go past the rejected version: then ask again, at most twice
    return joined.thenCompose(renewed -> {
      if (renewed.version() > rejectedVersion) {
        listener.renewedAfterRejection(key, rejectedVersion, renewed.version(), renewed.fetchedHere());
        return CompletableFuture.completedFuture(renewed);
      }
      return joins >= 2 ? CompletableFuture.completedFuture(renewed) : afterRejection(rejected, joins + 1);
    });
  }

  /** Registers a renewal as in flight; run the returned launch after leaving the lock. */
  private Launch begin(Request request) {
    Launch launch = new Launch(request);
    inFlight = launch.promise;
    return launch;
  }

  /** A renewal registered under the lock and started outside it, since stores may answer inline. */
  private final class Launch {
    final Request request;
    final CompletableFuture<Held> promise = new CompletableFuture<>();

    Launch(Request request) {
      this.request = request;
    }

    void run() {
      CompletionStage<Renewed> stage;
      try {
        stage = renewal.renew(request);
      } catch (RuntimeException e) {
        stage = CompletableFuture.failedFuture(e);
      }
      stage.whenComplete((renewed, error) -> finish(promise, renewed, error));
    }
  }

  private void finish(CompletableFuture<Held> promise, Renewed renewed, Throwable error) {
    Held result = null;
    CtcTokenException failure = null;
    Runnable next = null;
    synchronized (lock) {
      if (inFlight == promise) {
        inFlight = null;
      }
      if (closed) {
        failure = closedException();
      } else if (error == null) {
        Held held = hold(renewed);
        if (current == null || held.version() > current.version()) {
          current = held;
        }
        result = current;
        backingOff = false;
        lastFailure = null;
        cancel(retryTimer);
        next = arm(result);
      } else {
        RenewalFailure renewalFailure = asRenewalFailure(error);
        failure = renewalFailure.failure();
        if (renewalFailure.backsOff()) {
          lastFailure = failure;
          backingOff = true;
          retryAtNanos = clock.nanoTime() + renewalFailure.retryIn().toNanos();
          cancel(retryTimer);
          retryTimer = schedule(this::onRetryDue, renewalFailure.retryIn().toNanos());
        } else if (current != null) {
          next = arm(current);
        }
      }
    }
    if (next != null) {
      next.run();
    }
    if (failure == null) {
      promise.complete(result);
    } else {
      promise.completeExceptionally(failure);
    }
  }

  private Held hold(Renewed renewed) {
    long refreshAhead = refreshPolicy.refreshAhead(renewed.lifetime()).toNanos();
    return new Held(renewed.token(), renewed.expiresAtNanos(), renewed.expiresAtNanos() - refreshAhead,
        renewed.fetched());
  }

  /**
   * Under the lock: opens the fast path for {@code held} and sets the timer that closes it at the
   * refresh point, or, if that point has passed, returns the renewal to start.
   */
  private Runnable arm(Held held) {
    cancel(refreshTimer);
    long now = clock.nanoTime();
    if (!held.isDueAt(now)) {
      fresh = held;
      refreshTimer = schedule(() -> onRefreshDue(held), held.refreshAtNanos() - now + spread(held));
      return null;
    }
    fresh = null;
    if (inFlight != null || inBackoff()) {
      return null;
    }
    Launch launch = begin(Request.scheduled(held.version(),
        held.isValidAt(now) ? FetchReason.REFRESH_AHEAD : FetchReason.EXPIRED));
    return launch::run;
  }

  /**
   * A random delay of up to a quarter of the refresh-ahead window (at most 30 s), so the nodes of a
   * fleet do not all wake at the same instant: the first one renews, the rest mostly find its token.
   */
  private long spread(Held held) {
    long window = Math.min(held.refreshAheadNanos() / 4, TimeUnit.SECONDS.toNanos(30));
    return window <= 0 ? 0 : (long) (jitter.nextDouble() * window);
  }

  private void onRefreshDue(Held held) {
    synchronized (lock) {
      if (fresh == held) {
        fresh = null;
      }
    }
    startIfIdle(held, held.isValidAt(clock.nanoTime()) ? FetchReason.REFRESH_AHEAD : FetchReason.EXPIRED);
  }

  private void onRetryDue() {
    Launch launch;
    synchronized (lock) {
      if (closed || inFlight != null) {
        return;
      }
      launch = begin(Request.scheduled(heldVersion(), reasonFor(current, clock.nanoTime())));
    }
    launch.run();
  }

  private boolean inBackoff() {
    return backingOff && clock.nanoTime() - retryAtNanos < 0;
  }

  private long heldVersion() {
    Held held = current;
    return held == null ? 0 : held.version();
  }

  private RenewalFailure asRenewalFailure(Throwable error) {
    Throwable cause = Failures.unwrap(error);
    if (cause instanceof RenewalFailure) {
      return (RenewalFailure) cause;
    }
    CtcTokenException failure = cause instanceof CtcTokenException
        ? (CtcTokenException) cause
        : new CtcTokenException("token renewal of " + key + " failed unexpectedly: " + cause.getClass().getName(), cause);
    return RenewalFailure.of(failure, backoff.next(failure));
  }

  private ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
    try {
      return scheduler.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException shutDown) {
      return null;
    }
  }

  private <T> CompletableFuture<T> bounded(CompletableFuture<T> future, String what) {
    if (future.isDone()) {
      return future;
    }
    return timeouts.within(future, maxWait, () -> timedOut(what));
  }

  private AccessToken await(CompletableFuture<Held> future, String what) {
    try {
      return future.get(maxWait.toNanos(), TimeUnit.NANOSECONDS).token();
    } catch (ExecutionException e) {
      Throwable cause = Failures.unwrap(e);
      throw cause instanceof CtcTokenException
          ? (CtcTokenException) cause
          : new CtcTokenException("token renewal of " + key + " failed: " + cause.getClass().getName(), cause);
    } catch (TimeoutException e) {
      throw timedOut(what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CtcTokenException("interrupted while waiting for " + what + " of " + key, e);
    }
  }

  private CtcTokenException timedOut(String what) {
    return new CtcTokenException("no " + what + " of " + key + " within " + maxWait.toMillis()
        + " ms (fetch timeout plus lease duration)");
  }

  private CtcTokenException closedException() {
    return new CtcTokenException("token manager for " + key + " is closed");
  }

  private static AccessToken requireToken(AccessToken rejected) {
    if (rejected == null) {
      throw new NullPointerException("rejected token must not be null");
    }
    return rejected;
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception ignored) {
      // closing is best effort; a failing close must not keep the manager's own resources alive
    }
  }
}
