package com.ctcfile.token.core;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.FleetRenewal.Attempt;
import com.ctcfile.token.core.FleetRenewal.Request;
import com.ctcfile.token.core.port.TokenClock;
import com.ctcfile.token.core.port.TokenEventListener.FetchReason;
import com.ctcfile.token.core.port.TokenKey;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link TokenProvider} of ctc-token: holds the current token of one key, renews it in the
 * background before it expires, and coordinates with other nodes through a
 * {@link com.ctcfile.token.core.port.TokenStore}.
 *
 * <p><b>Hot path.</b> While the held token is before its refresh point, {@link #token()} is one
 * volatile read: no lock, no I/O, no allocation and no clock read. A timer clears that fast path at
 * the refresh point and starts the renewal; from then until the new token arrives, calls read the
 * clock and keep getting the current token as long as it is valid.
 *
 * <p><b>Renewal.</b> One renewal at a time per node; with a shared store one per fleet (see
 * docs/ARCHITECTURE.md, "The fleet protocol"). Failures back off exponentially with jitter (200 ms to
 * 30 s by default) while a valid token keeps being served; a caller with no valid token during
 * backoff gets the last failure at once. Every failure a caller sees is a {@link CtcTokenException};
 * one caller giving up its wait never cancels what other callers wait for.
 *
 * <p><b>Closing.</b> {@link #close()} lets a fetch that already started finish and publish (within
 * the fetch timeout plus a store timeout), so a rolling restart never leaves the fleet on a token
 * that was fetched and thrown away; a fetch that does not finish in time is aborted and its lease
 * released with a settle period. Then it stops its timer and closes the transport and store it owns.
 *
 * <p>Build it with {@link #builder()}; it is thread-safe.
 */
public final class TokenManager implements TokenProvider {

  private final TokenKey key;
  private final TokenClock clock;
  private final boolean hotPathTrustsTimer;
  private final RefreshPolicy refreshPolicy;
  private final ManagerWiring wiring;
  private final Timeouts timeouts;
  private final FleetRenewal renewal;
  private final Backoff backoff;
  private final Listeners listener;
  private final Duration maxWait;
  private final Duration drainTimeout;
  private final RenewalSpread spread;

  // The fast path: non-null only before the held token's refresh point, cleared by a timer.
  private volatile Held fresh;
  // The newest token this node holds, valid or not; null before the first one and after close.
  private volatile Held current;
  // volatile so that callers of a due token skip the lock while its renewal runs, and status() reads it
  private volatile Launch inFlight;
  private volatile FailureState failure;
  private volatile Instant lastRenewal;
  private volatile boolean closed;

  private final Object lock = new Object();
  // the highest version this node has seen or handed out; versions callers see never go below it
  private long highestVersion;
  private boolean armedBefore;
  private ScheduledFuture<?> refreshTimer;
  private ScheduledFuture<?> retryTimer;

  TokenManager(ManagerWiring wiring) {
    this.wiring = wiring;
    this.key = wiring.key();
    this.clock = wiring.clock();
    this.hotPathTrustsTimer = wiring.hotPathTrustsTimer();
    this.refreshPolicy = wiring.refreshPolicy();
    this.timeouts = wiring.timeouts();
    this.backoff = wiring.backoff();
    this.listener = wiring.listeners();
    this.renewal = wiring.renewal();
    this.spread = wiring.spread();
    RenewalSettings settings = wiring.settings();
    this.maxWait = settings.leaseDuration().plus(wiring.fetchTimeout()).plus(settings.storeTimeout())
        .plus(settings.pollInterval().multipliedBy(2));
    this.drainTimeout = wiring.fetchTimeout().plus(settings.storeTimeout());
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
    return wiring.settings().owner();
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
    requireToken(rejected);
    return await(afterRejection(rejected, 0), "a token other than version " + rejected.version());
  }

  @Override
  public CompletionStage<AccessToken> renewAfterRejectionAsync(AccessToken rejected) {
    requireToken(rejected);
    return bounded(afterRejection(rejected, 0), "a token other than version " + rejected.version())
        .thenApply(Held::token);
  }

  /**
   * What this manager is doing right now, without I/O and without taking a lock: callable from any
   * thread, an event loop included, as often as a health check or a metrics scrape likes. Never
   * carries the token or the secret.
   */
  public TokenStatus status() {
    long now = clock.nanoTime();
    Held held = current;
    Launch running = inFlight;
    FailureState failed = failure;
    boolean backingOff = failed != null && failed.backsOff && now - failed.retryAtNanos < 0;
    TokenStatus.State state;
    if (closed) {
      state = TokenStatus.State.CLOSED;
    } else if (running != null) {
      state = TokenStatus.State.RENEWING;
    } else if (backingOff) {
      state = TokenStatus.State.BACKING_OFF;
    } else if (held == null) {
      state = TokenStatus.State.NO_TOKEN;
    } else {
      state = held.isValidAt(now) ? TokenStatus.State.VALID : TokenStatus.State.EXPIRED;
    }
    TokenStatus.Builder status = TokenStatus.builder(key, state)
        .lastRenewal(lastRenewal)
        .holdsLease(running != null && running.attempt != null && running.attempt.holdsLease())
        .storeReachable(renewal.storeReachable());
    if (held != null && !closed) {
      status.token(held.version(), held.token().expiresAt(), Duration.ofNanos(held.expiresAtNanos() - now));
    }
    if (failed != null) {
      status.lastFailure(failed.code, failed.failure.getClass().getSimpleName());
      if (backingOff) {
        status.nextAttempt(clock.instant().plusNanos(failed.retryAtNanos - now));
      }
    }
    return status.build();
  }

  /**
   * Closes the manager. A fetch that already started gets up to the fetch timeout plus one store
   * timeout to finish and publish its token; one that does not is aborted, and its lease released
   * with a settle period so that no other node fetches while the aborted request may still be
   * answered. Callers waiting for a token fail at once with a {@link CtcTokenException}. Then the
   * manager's own timer thread stops and the transport and store it owns are closed (a store closes
   * its threads even when a call is stuck). Idempotent.
   */
  @Override
  public void close() {
    Launch pending;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      fresh = null;
      cancel(refreshTimer);
      cancel(retryTimer);
      pending = inFlight;
    }
    if (pending != null) {
      pending.promise.completeExceptionally(closedException());
      drain(pending);
    }
    current = null;
    wiring.closeOwned();
  }

  /** Lets a renewal that holds the lease finish within the drain timeout; abandons it otherwise. */
  private void drain(Launch pending) {
    Attempt attempt = pending.attempt;
    if (attempt == null) {
      return;
    }
    if (attempt.holdsLease()) {
      if (waitFor(attempt, drainTimeout)) {
        return;
      }
    }
    attempt.abandon();
    // the release of an abandoned lease is a store call: give it its timeout before the store closes
    waitFor(attempt, wiring.settings().storeTimeout().plus(wiring.settings().pollInterval()));
  }

  private static boolean waitFor(Attempt attempt, Duration timeout) {
    try {
      attempt.result().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (ExecutionException finishedWithAFailure) {
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether {@link #close()} was called; a volatile read. */
  boolean isClosed() {
    return closed;
  }

  /** Whether this manager fetches with {@code secret}. */
  boolean usesSecret(String secret) {
    return wiring.credentials().uses(secret);
  }

  /** Fetches with {@code secret} from now on (the token held stays valid): a rotated client secret. */
  void rotateSecret(String secret) {
    wiring.credentials().rotate(secret);
  }

  @Override
  public String toString() {
    Held held = current;
    return "TokenManager{key=" + key + ", node=" + nodeId() + ", version=" + (held == null ? 0 : held.version()) + "}";
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
        return inFlight.promise;
      }
      Held latest = current;
      if (latest != seen && latest != null && latest.isValidAt(clock.nanoTime())) {
        return CompletableFuture.completedFuture(latest);
      }
      if (inBackoff()) {
        return CompletableFuture.failedFuture(failure.failure);
      }
      launch = begin(Request.scheduled(reasonFor(seen, now), latest, highestVersion));
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
      launch = begin(Request.scheduled(reason, seen, highestVersion));
    }
    launch.run();
  }

  private CompletableFuture<Held> afterRejection(AccessToken rejected, int joins) {
    String rejectedValue = rejected.value();
    Held held = current;
    if (held != null && !held.is(rejectedValue) && held.version() >= rejected.version()
        && held.isValidAt(clock.nanoTime())) {
      listener.renewedAfterRejection(key, rejected.version(), held.version(), false);
      return CompletableFuture.completedFuture(held);
    }
    Launch launch = null;
    CompletableFuture<Held> joined;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(closedException());
      }
      if (inFlight != null) {
        joined = inFlight.promise;
      } else if (inBackoff()) {
        return CompletableFuture.failedFuture(failure.failure);
      } else {
        Held latest = current;
        Held known = latest != null && latest.is(rejectedValue) ? latest : null;
        launch = begin(Request.afterRejection(latest, rejectedValue, rejected.version(), known, highestVersion));
        joined = launch.promise;
      }
    }
    if (launch != null) {
      launch.run();
      return joined.thenApply(renewed -> {
        listener.renewedAfterRejection(key, rejected.version(), renewed.version(), renewed.fetchedHere());
        return renewed;
      });
    }
    // a renewal already in flight may end on the rejected token itself: then ask again, at most twice
    return joined.thenCompose(renewed -> {
      if (!renewed.is(rejectedValue)) {
        listener.renewedAfterRejection(key, rejected.version(), renewed.version(), renewed.fetchedHere());
        return CompletableFuture.completedFuture(renewed);
      }
      return joins >= 2 ? CompletableFuture.completedFuture(renewed) : afterRejection(rejected, joins + 1);
    });
  }

  /** Registers a renewal as in flight; run the returned launch after leaving the lock. */
  private Launch begin(Request request) {
    Launch launch = new Launch(request);
    inFlight = launch;
    return launch;
  }

  /** A renewal registered under the lock and started outside it, since stores may answer inline. */
  private final class Launch {
    final Request request;
    final CompletableFuture<Held> promise = new CompletableFuture<>();
    volatile Attempt attempt;

    Launch(Request request) {
      this.request = request;
    }

    void run() {
      Attempt started;
      try {
        started = renewal.renew(request);
      } catch (RuntimeException e) {
        finish(this, null, e);
        return;
      }
      attempt = started;
      started.result().whenComplete((renewed, error) -> finish(this, renewed, error));
    }
  }

  private void finish(Launch launch, Renewed renewed, Throwable error) {
    Held result = null;
    CtcTokenException failed = null;
    Runnable next = null;
    synchronized (lock) {
      if (inFlight == launch) {
        inFlight = null;
      }
      if (closed) {
        failed = closedException();
      } else if (error == null) {
        result = hold(renewed);
        current = result;
        lastRenewal = clock.instant();
        cancel(retryTimer);
        // a token kept unpublished is served, and its store failure shown; it needs no retry of its own
        failure = renewed.publishFailure() == null ? null
            : new FailureState(renewed.publishFailure(), FleetRenewal.errorCode(renewed.publishFailure()), false, 0);
        next = arm(result);
      } else {
        RenewalFailure renewalFailure = asRenewalFailure(error);
        failed = renewalFailure.failure();
        if (renewalFailure.backsOff()) {
          long retryIn = renewalFailure.retryIn().toNanos();
          failure = new FailureState(failed, renewalFailure.code(), true, clock.nanoTime() + retryIn);
          cancel(retryTimer);
          retryTimer = schedule(this::onRetryDue, retryIn);
        } else {
          failure = new FailureState(failed, renewalFailure.code(), false, 0);
          if (current != null) {
            next = arm(current);
          }
        }
      }
    }
    if (next != null) {
      next.run();
    }
    if (failed == null) {
      launch.promise.complete(result);
    } else {
      launch.promise.completeExceptionally(failed);
    }
  }

  /** Under the lock: the renewal's token as this node holds it, its version never below one handed out before. */
  private Held hold(Renewed renewed) {
    long version;
    Held previous = current;
    if (previous != null && previous.is(renewed.value())) {
      version = previous.version();
    } else if (renewed.storeVersion() > highestVersion) {
      version = renewed.storeVersion();
    } else {
      version = highestVersion + 1;
    }
    highestVersion = Math.max(highestVersion, Math.max(version, renewed.storeVersion()));
    long refreshAhead = refreshPolicy.refreshAhead(renewed.lifetime()).toNanos();
    AccessToken token = new AccessToken(renewed.value(), renewed.type(), renewed.expiresAt(), version);
    return new Held(token, renewed.expiresAtNanos(), renewed.expiresAtNanos() - refreshAhead, renewed.fetched(),
        renewed.storeVersion(), renewed.publishedAtNanos());
  }

  /**
   * Under the lock: opens the fast path for {@code held} and sets the timer that closes it at the
   * refresh point, or, if that point has passed, returns the renewal to start.
   */
  private Runnable arm(Held held) {
    cancel(refreshTimer);
    long now = clock.nanoTime();
    boolean firstToken = !armedBefore;
    armedBefore = true;
    if (!held.isDueAt(now)) {
      fresh = held;
      refreshTimer = schedule(() -> onRefreshDue(held),
          held.refreshAtNanos() - now + spread.delayNanos(held, now, firstToken));
      return null;
    }
    fresh = null;
    if (inFlight != null || inBackoff()) {
      return null;
    }
    Launch launch = begin(Request.scheduled(held.isValidAt(now) ? FetchReason.REFRESH_AHEAD : FetchReason.EXPIRED,
        held, highestVersion));
    return launch::run;
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
      Held latest = current;
      launch = begin(Request.scheduled(reasonFor(latest, clock.nanoTime()), latest, highestVersion));
    }
    launch.run();
  }

  private boolean inBackoff() {
    FailureState failed = failure;
    return failed != null && failed.backsOff && clock.nanoTime() - failed.retryAtNanos < 0;
  }

  private RenewalFailure asRenewalFailure(Throwable error) {
    Throwable cause = Failures.unwrap(error);
    if (cause instanceof RenewalFailure) {
      return (RenewalFailure) cause;
    }
    CtcTokenException typed = cause instanceof CtcTokenException
        ? (CtcTokenException) cause
        : new CtcTokenException("token renewal of " + key + " failed unexpectedly: " + cause.getClass().getName(), cause);
    return RenewalFailure.of(typed, backoff.next(typed));
  }

  private ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
    try {
      return wiring.scheduler().schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException shutDown) {
      return null;
    }
  }

  /** The caller's own bounded view of a shared renewal: giving up never cancels it, and failures are typed. */
  private <T> CompletableFuture<T> bounded(CompletableFuture<T> future, String what) {
    CompletableFuture<T> waited = future.isDone() ? future : timeouts.waitAtMost(future, maxWait, () -> timedOut(what));
    CompletableFuture<T> typed = new CompletableFuture<>();
    waited.whenComplete((value, error) -> {
      if (error == null) {
        typed.complete(value);
      } else {
        typed.completeExceptionally(typed(error));
      }
    });
    return typed;
  }

  private AccessToken await(CompletableFuture<Held> future, String what) {
    try {
      return future.get(maxWait.toNanos(), TimeUnit.NANOSECONDS).token();
    } catch (ExecutionException e) {
      throw typed(e);
    } catch (TimeoutException e) {
      throw timedOut(what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CtcTokenException("interrupted while waiting for " + what + " of " + key, e);
    } catch (RuntimeException e) {
      throw typed(e); // a CancellationException, should anyone cancel a renewal's future
    }
  }

  private CtcTokenException typed(Throwable error) {
    Throwable cause = Failures.unwrap(error);
    return cause instanceof CtcTokenException
        ? (CtcTokenException) cause
        : new CtcTokenException("token renewal of " + key + " failed: " + cause.getClass().getName(), cause);
  }

  private CtcTokenException timedOut(String what) {
    return new CtcTokenException("gave up waiting for " + what + " of " + key + " after " + maxWait.toMillis()
        + " ms (lease duration plus fetch and store timeouts)");
  }

  private CtcTokenException closedException() {
    return new CtcTokenException("token manager for " + key + " is closed");
  }

  private static void requireToken(AccessToken rejected) {
    if (rejected == null) {
      throw new NullPointerException("rejected token must not be null");
    }
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  /** The last failure since the last success, and whether (and until when) it holds renewals back. */
  private static final class FailureState {
    final CtcTokenException failure;
    final String code;
    final boolean backsOff;
    final long retryAtNanos;

    FailureState(CtcTokenException failure, String code, boolean backsOff, long retryAtNanos) {
      this.failure = failure;
      this.code = code;
      this.backsOff = backsOff;
      this.retryAtNanos = retryAtNanos;
    }
  }
}
