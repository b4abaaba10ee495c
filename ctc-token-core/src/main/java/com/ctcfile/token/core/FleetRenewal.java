package com.ctcfile.token.core;

import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.RenewalRateLimitedException;
import com.ctcfile.token.TokenProtocolException;
import com.ctcfile.token.TokenStoreException;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.TokenFetcher.Fetched;
import com.ctcfile.token.core.port.FetchFailure;
import com.ctcfile.token.core.port.FreshToken;
import com.ctcfile.token.core.port.LeaseRequest;
import com.ctcfile.token.core.port.RenewalLease;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenEventListener.FetchOutcome;
import com.ctcfile.token.core.port.TokenEventListener.FetchReason;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One renewal of one key by the store protocol (docs/ARCHITECTURE.md, "The fleet protocol"): adopt
 * a newer stored token, or wait while another node holds the lease, or take the lease, fetch, and
 * publish under it.
 *
 * <p>A node never fetches without the lease, so two nodes never invalidate each other's tokens. While
 * another node's lease is live it re-reads the row every poll interval (never more often than the
 * lease has left), so a loser costs one read per interval until the new token appears.
 *
 * <p>Ordinary faults are part of the protocol, not exceptions to it:
 * <ul>
 *   <li>every store call has a deadline ({@link RenewalContext#storeTimeout()}); an overrun fails the
 *       renewal as a store failure and cancels the call;
 *   <li>a publish that fails is retried while the lease lives; if it never succeeds the lease is
 *       released so another node can renew at once, and the fetched token is still served by this
 *       node, since fetching it invalidated every other;
 *   <li>a publish refused because the lease ran out is saved when nobody moved meanwhile (re-lease,
 *       publish the same token), instead of fetching a second token;
 *   <li>a fetch of unknown outcome (timeout, broken connection) makes the fleet settle, recorded in the
 *       store, so a token the endpoint issues late cannot invalidate the next one;
 *   <li>tokens are compared by value and publish time, never by version alone, so a store whose
 *       version went backwards (restore, failover, manual edit) is followed, not fought.
 * </ul>
 */
final class FleetRenewal {

  private static final int MAX_PUBLISH_ATTEMPTS = 4;
  private static final long FIRST_PUBLISH_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  // two publish times closer than this are the same moment seen through two clocks: versions decide
  private static final long SAME_MOMENT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /**
   * What to renew: why, the token the node holds, the rejected token when a 401 asked for it, and the
   * highest version the node has seen, above which the next token is published.
   */
  record Request(FetchReason reason, Held held, String rejectedValue, long rejectedVersion, Held rejectedAsHeld,
      long knownVersion) {

    static Request scheduled(FetchReason reason, Held held, long knownVersion) {
      return new Request(reason, held, null, -1, null, knownVersion);
    }

    /** @param rejectedAsHeld what the node knows of the rejected token, or {@code null} if it no longer holds it */
    static Request afterRejection(Held held, String rejectedValue, long rejectedVersion, Held rejectedAsHeld,
        long knownVersion) {
      return new Request(FetchReason.REJECTED, held, rejectedValue, rejectedVersion, rejectedAsHeld, knownVersion);
    }

    boolean isRejection() {
      return rejectedValue != null;
    }

    /**
     * Whether {@code row}, whose token was published at {@code publishedAtNanos} on this node's clock,
     * holds a token this request may take instead of fetching: valid, not the token it replaces, and
     * published after it. A different token published before it is an older one come back (a
     * restored backup, a failover that lost writes): the endpoint has invalidated it.
     */
    boolean isSatisfiedBy(StoredToken row, long publishedAtNanos) {
      if (!row.hasValidToken()) {
        return false;
      }
      String value = row.value().orElseThrow();
      Held replaced = isRejection() ? rejectedAsHeld : held;
      if (isRejection() && value.equals(rejectedValue)) {
        return false;
      }
      if (replaced == null) {
        return true;
      }
      if (replaced.is(value)) {
        return false;
      }
      long apart = publishedAtNanos - replaced.publishedAtNanos();
      return Math.abs(apart) > SAME_MOMENT_NANOS ? apart > 0 : row.version() > replaced.storeVersion();
    }
  }

  /** One renewal in progress: what close() and status() need to see of it. */
  final class Attempt {
    private final CompletableFuture<Renewed> result = new CompletableFuture<>();
    private volatile RenewalLease lease;
    private volatile long leaseAskedAtNanos;
    private volatile CompletableFuture<Fetched> fetch;
    private volatile boolean abandoned;
    private boolean foreignFetchReported;
    private int refusedLeases;

    /** Completes with the token, or fails with a {@link RenewalFailure}. */
    CompletableFuture<Renewed> result() {
      return result;
    }

    /** Whether this node holds the fleet's lease for this attempt right now. */
    boolean holdsLease() {
      return lease != null && !result.isDone();
    }

    /**
     * Gives the attempt up (the manager is closing): no new store call or wait starts, and a fetch in
     * flight is cancelled, which ends as a fetch of unknown outcome and releases the lease with a
     * settle period.
     */
    void abandon() {
      abandoned = true;
      CompletableFuture<Fetched> inFlight = fetch;
      if (inFlight != null) {
        inFlight.cancel(true);
      }
    }
  }

  private final RenewalContext context;
  private final Backoff backoff;
  private volatile boolean storeReachable = true;

  FleetRenewal(RenewalContext context) {
    this.context = context;
    this.backoff = context.backoff();
  }

  /**
   * Starts one renewal. Its result completes with the new token, or fails with a
   * {@link RenewalFailure}. It gives up waiting for another node after a lease duration plus a fetch
   * timeout, the most a live renewal can take.
   */
  Attempt renew(Request request) {
    Attempt attempt = new Attempt();
    long deadline = now() + context.leaseDuration().toNanos() + context.fetcher().timeout().toNanos();
    CompletionStage<Renewed> outcome;
    try {
      outcome = round(attempt, request, deadline);
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    outcome.whenComplete((renewed, error) -> {
      if (error == null) {
        attempt.result.complete(renewed);
      } else {
        attempt.result.completeExceptionally(error);
      }
    });
    return attempt;
  }

  /** Whether the last store call succeeded. */
  boolean storeReachable() {
    return storeReachable;
  }

  private CompletionStage<Renewed> round(Attempt attempt, Request request, long deadline) {
    return storeCall(attempt, "read the token", () -> context.store().read(context.key()), context.redactor())
        .thenCompose(row -> decide(attempt, request, row.orElse(null), deadline));
  }

  private CompletionStage<Renewed> decide(Attempt attempt, Request request, StoredToken row, long deadline) {
    long now = now();
    if (row != null && request.isSatisfiedBy(row, now - row.fetchedAgo().toNanos())) {
      context.listener().tokenAdopted(context.key(), row.version());
      return CompletableFuture.completedFuture(adopt(row, now));
    }
    if (row != null && request.isRejection() && !attempt.foreignFetchReported && looksForeign(row, request)) {
      attempt.foreignFetchReported = true;
      context.listener().foreignFetchSuspected(context.key(), request.rejectedVersion());
    }
    if (row != null && row.isLeased()) {
      if (deadline - now <= 0) {
        throw new RenewalFailure(new CtcTokenException("gave up waiting for the renewal of " + context.key() + " by "
            + row.leaseOwner().orElse("another node") + ": its lease is still live"), context.pollInterval(), true);
      }
      return waitThenRound(attempt, request, min(context.pollInterval(), row.leaseExpiresIn()), deadline);
    }
    if (row != null && row.isSettling()) {
      throw new RenewalFailure(new CtcTokenException("the renewal of " + context.key() + " waits while the fleet"
          + " settles after a fetch of unknown outcome (" + row.lastError().orElse("transport") + "): the endpoint may"
          + " still issue that token; next attempt in " + row.settleIn().toMillis() + " ms"), row.settleIn(), true,
          "settling");
    }
    if (row != null && row.nextAttemptIn().compareTo(Duration.ZERO) > 0 && !request.isRejection()) {
      throw new RenewalFailure(new CtcTokenException("token renewal of " + context.key()
          + " is backing off fleet-wide after " + row.lastError().orElse("a failure") + "; next attempt in "
          + row.nextAttemptIn().toMillis() + " ms"), row.nextAttemptIn(), true, row.lastError().orElse("error"));
    }
    if (row != null && request.isRejection()) {
      Optional<Duration> wait = rejectionWait(row);
      if (wait.isPresent()) {
        throw rateLimited(request, wait.get());
      }
    }
    long seenVersion = row == null ? 0 : row.version();
    LeaseRequest ask = (request.isRejection()
        ? LeaseRequest.afterRejection(context.key(), seenVersion, context.owner(), context.leaseDuration(),
            context.rejectionInterval())
        : LeaseRequest.scheduled(context.key(), seenVersion, context.owner(), context.leaseDuration()))
        .publishingAtLeast(request.knownVersion() + 1);
    // the permit comes before the lease, so a renewal queued behind a registry's other fetches holds no lease
    return context.fetchPermits().acquire().thenCompose(permit -> lease(attempt, ask)
        .whenComplete((lease, error) -> {
          if (error != null || lease.isEmpty()) {
            permit.release();
          }
        })
        .thenCompose(lease -> {
          if (lease.isPresent()) {
            return fetchUnder(attempt, request, lease.get(), deadline, permit);
          }
          // lost a race for the lease (or the store refused it for a reason the next read shows); a
          // refusal without a visible reason must not turn into a busy loop
          return attempt.refusedLeases++ == 0
              ? round(attempt, request, deadline)
              : waitThenRound(attempt, request, context.pollInterval(), deadline);
        }));
  }

  /**
   * A rejection of the store's newest token while it should still be valid, with no node of the fleet
   * fetching since it was published (no lease, no recorded failure, no settling): something outside
   * the fleet fetched with the same credentials.
   */
  private static boolean looksForeign(StoredToken row, Request request) {
    return row.hasValidToken() && row.value().orElseThrow().equals(request.rejectedValue()) && !row.isLeased()
        && row.lastError().isEmpty() && !row.isSettling();
  }

  private Optional<Duration> rejectionWait(StoredToken row) {
    Duration interval = context.rejectionInterval();
    return row.rejectionFetchAgo()
        .filter(ago -> ago.compareTo(interval) < 0)
        .map(interval::minus);
  }

  private RenewalFailure rateLimited(Request request, Duration wait) {
    context.listener().rejectionRateLimited(context.key(), request.rejectedVersion(), wait);
    return new RenewalFailure(new RenewalRateLimitedException("token version " + request.rejectedVersion() + " of "
        + context.key() + " was rejected, but the fleet's last renewal after a rejection was less than "
        + context.rejectionInterval().toMillis() + " ms ago; the API keeps rejecting fresh tokens (check the"
        + " clientId's permissions, and that nothing outside the fleet fetches with the same credentials); next"
        + " renewal after rejection allowed in " + wait.toMillis() + " ms", wait), wait, false);
  }

  private CompletionStage<Optional<RenewalLease>> lease(Attempt attempt, LeaseRequest ask) {
    attempt.leaseAskedAtNanos = now();
    return storeCall(attempt, "lease the token", () -> context.store().tryLease(ask), context.redactor());
  }

  private CompletionStage<Renewed> waitThenRound(Attempt attempt, Request request, Duration wait, long deadline) {
    return context.timeouts().after(wait).thenCompose(ignored -> round(attempt, request, deadline));
  }

  private CompletionStage<Renewed> fetchUnder(Attempt attempt, Request request, RenewalLease lease, long deadline,
      FetchPermits.Permit permit) {
    attempt.lease = lease;
    if (attempt.abandoned) {
      permit.release();
      // closing before anything was sent: the outcome is known, the fleet need not settle
      return release(lease, FetchFailure.known("closed", Duration.ZERO)).thenApply(ignored -> {
        throw new RenewalFailure(closedFailure(), Duration.ZERO, false);
      });
    }
    context.listener().fetchStarted(context.key(), request.reason());
    long started = now();
    CompletableFuture<Fetched> fetch = context.fetcher().fetch();
    fetch.whenComplete((fetched, error) -> permit.release());
    attempt.fetch = fetch;
    if (attempt.abandoned) {
      fetch.cancel(true); // close() ran while the fetch was being sent
    }
    return fetch.handle((fetched, error) -> {
      if (error != null) {
        // the fetcher types every failure it expects; anything else (a LinkageError, say) is wrapped, never lost
        CtcTokenException failure = fetch.isCancelled()
            ? new TokenTransportException("token request to the endpoint aborted: the manager is closing", 0, true, null)
            : context.redactor().scrub(error, (message, cause) ->
                new CtcTokenException("token fetch failed unexpectedly: " + message, cause));
        completed(request, outcomeOf(failure), started);
        return failed(lease, failure);
      }
      Published published = new Published(request, lease, fetched, started, deadline);
      return publish(attempt, published, 1);
    }).thenCompose(Function.identity());
  }

  /** A fetched token on its way into the store. */
  private final class Published {
    final Request request;
    final RenewalLease lease;
    final Fetched fetched;
    final long started;
    final long deadline;
    final Redactor hiding;

    Published(Request request, RenewalLease lease, Fetched fetched, long started, long deadline) {
      this.request = request;
      this.lease = lease;
      this.fetched = fetched;
      this.started = started;
      this.deadline = deadline;
      this.hiding = context.redactor().alsoHiding(fetched.reply().accessToken());
    }

    String value() {
      return fetched.reply().accessToken();
    }

    FreshToken fresh() {
      return new FreshToken(value(), fetched.reply().tokenType(), fetched.reply().expiresIn(),
          Duration.ofNanos(fetched.expiresAtNanos() - now()));
    }

    Published under(RenewalLease another) {
      return new Published(request, another, fetched, started, deadline);
    }
  }

  private CompletionStage<Renewed> publish(Attempt attempt, Published token, int attemptNumber) {
    return rawStoreCall(() -> context.store().publish(token.lease, token.fresh()), "publish the token", token.hiding)
        .handle((row, error) -> {
          if (error == null && row.isPresent()) {
            return CompletableFuture.completedFuture(publishedAs(token, row.get()));
          }
          if (error == null) {
            return afterFencedPublish(attempt, token);
          }
          TokenStoreException failure = storeFailure(error, token.hiding);
          context.listener().storeFailed(context.key(), failure);
          if (attemptNumber < MAX_PUBLISH_ATTEMPTS && leaseLeftNanos(attempt) > retryRoomNanos()) {
            Duration pause = Duration.ofNanos(FIRST_PUBLISH_RETRY_NANOS << (attemptNumber - 1));
            return context.timeouts().after(pause).thenCompose(ignored -> publish(attempt, token, attemptNumber + 1));
          }
          return keptUnpublished(token, failure);
        }).thenCompose(Function.identity());
  }

  /**
   * The publish was fenced off. If an earlier attempt got in after all, or nobody moved since the lease
   * ran out (same version, no lease, no failure recorded), the fetched token is still the newest and is
   * published under a new lease; otherwise it is discarded and the renewal starts over.
   */
  private CompletionStage<Renewed> afterFencedPublish(Attempt attempt, Published token) {
    return storeCall(attempt, "read the token", () -> context.store().read(context.key()), token.hiding)
        .thenCompose(found -> {
          StoredToken row = found.orElse(null);
          if (row != null && row.value().filter(token.value()::equals).isPresent()) {
            return CompletableFuture.completedFuture(publishedAs(token, row));
          }
          boolean untouched = row != null && row.version() == token.lease.seenVersion() && !row.isLeased()
              && row.lastError().isEmpty() && !row.isSettling();
          if (!untouched || attempt.abandoned) {
            return leaseLost(attempt, token);
          }
          LeaseRequest again = LeaseRequest.scheduled(context.key(), row.version(), context.owner(),
              context.leaseDuration()).publishingAtLeast(token.lease.nextVersion());
          return lease(attempt, again).thenCompose(lease -> {
            if (lease.isEmpty()) {
              return leaseLost(attempt, token);
            }
            attempt.lease = lease.get();
            return publish(attempt, token.under(lease.get()), 1);
          });
        });
  }

  private CompletionStage<Renewed> leaseLost(Attempt attempt, Published token) {
    context.listener().leaseLost(context.key(), token.lease.seenVersion());
    completed(token.request, FetchOutcome.LEASE_LOST, token.started);
    attempt.lease = null;
    return round(attempt, token.request, token.deadline);
  }

  private Renewed publishedAs(Published token, StoredToken row) {
    backoff.reset();
    Duration took = Duration.ofNanos(now() - token.started);
    context.listener().fetchSucceeded(context.key(), row.version(), took);
    context.listener().fetchCompleted(context.key(), token.request.reason(), FetchOutcome.SUCCESS, took);
    Fetched fetched = token.fetched;
    return new Renewed(token.value(), fetched.reply().tokenType(), fetched.sentAt().plus(fetched.reply().expiresIn()),
        fetched.expiresAtNanos(), fetched.reply().expiresIn(), row.version(), now() - row.fetchedAgo().toNanos(),
        true, null);
  }

  /**
   * The store kept failing: release the lease, so another node may renew at once, and serve the token
   * here, where it is the only valid one. The node backs off before its next renewal.
   */
  private CompletionStage<Renewed> keptUnpublished(Published token, TokenStoreException failure) {
    completed(token.request, FetchOutcome.STORE_ERROR, token.started);
    Fetched fetched = token.fetched;
    Renewed kept = new Renewed(token.value(), fetched.reply().tokenType(),
        fetched.sentAt().plus(fetched.reply().expiresIn()), fetched.expiresAtNanos(), fetched.reply().expiresIn(),
        Held.NOT_IN_STORE, fetched.sentAtNanos(), true, failure);
    return release(token.lease, FetchFailure.known(errorCode(failure), Duration.ZERO)).handle((ignored, e) -> kept);
  }

  private CompletionStage<Renewed> failed(RenewalLease lease, CtcTokenException failure) {
    Duration retryIn = backoff.next(failure);
    Duration settle = outcomeUnknown(failure) ? context.settlePeriod() : Duration.ZERO;
    Duration wait = max(retryIn, settle);
    context.listener().fetchFailed(context.key(), failure, wait);
    return release(lease, new FetchFailure(errorCode(failure), retryIn, settle)).handle((ignored, storeError) -> {
      throw new RenewalFailure(failure, wait, true);
    });
  }

  /** Frees the lease and records the failure; best effort, also for an abandoned attempt. */
  private CompletionStage<Void> release(RenewalLease lease, FetchFailure failure) {
    return rawStoreCall(() -> context.store().releaseAfterFailure(lease, failure), "release the lease",
        context.redactor()).handle((ignored, error) -> {
          if (error != null) {
            context.listener().storeFailed(context.key(), storeFailure(error, context.redactor()));
          }
          return null;
        });
  }

  private void completed(Request request, FetchOutcome outcome, long started) {
    context.listener().fetchCompleted(context.key(), request.reason(), outcome, Duration.ofNanos(now() - started));
  }

  private Renewed adopt(StoredToken row, long now) {
    Duration left = row.expiresIn();
    Duration lifetime = row.lifetime().isZero() ? left : row.lifetime();
    return new Renewed(row.value().orElseThrow(), row.type(), context.clock().instant().plus(left),
        now + left.toNanos(), lifetime, row.version(), now - row.fetchedAgo().toNanos(), false, null);
  }

  /** Lease time left by this node's clock, counted from when it asked for the lease: never more than the store's. */
  private long leaseLeftNanos(Attempt attempt) {
    RenewalLease lease = attempt.lease;
    return lease == null ? 0 : attempt.leaseAskedAtNanos + lease.duration().toNanos() - now();
  }

  private long retryRoomNanos() {
    return context.storeTimeout().toNanos() + FIRST_PUBLISH_RETRY_NANOS * 8;
  }

  /**
   * Calls the store from the manager's own thread, bounded by the store timeout; a failure becomes a
   * {@link RenewalFailure} that backs the node off. Refused once the attempt is abandoned.
   */
  private <T> CompletionStage<T> storeCall(Attempt attempt, String what, Supplier<CompletionStage<T>> call,
      Redactor hiding) {
    if (attempt.abandoned) {
      return CompletableFuture.failedFuture(new RenewalFailure(closedFailure(), Duration.ZERO, false));
    }
    return rawStoreCall(call, what, hiding).handle((value, error) -> {
      if (error != null) {
        TokenStoreException failure = storeFailure(error, hiding);
        context.listener().storeFailed(context.key(), failure);
        throw new RenewalFailure(failure, backoff.next(failure), true);
      }
      return value;
    });
  }

  /** The store call on the manager's thread within the store timeout; failures as they came. */
  private <T> CompletableFuture<T> rawStoreCall(Supplier<CompletionStage<T>> call, String what, Redactor hiding) {
    CompletableFuture<CompletionStage<T>> started = CompletableFuture.supplyAsync(call, context.storeCaller());
    CompletableFuture<T> answered = started.thenCompose(Function.identity());
    Duration timeout = context.storeTimeout();
    CompletableFuture<T> bounded = context.timeouts().abortAfter(answered, timeout, () -> new TokenStoreException(
        "the token store did not " + what + " of " + context.key() + " within the store timeout of "
            + timeout.toMillis() + " ms"));
    // a store call abandoned at its deadline is cancelled in the store too, so it never runs late
    bounded.whenComplete((value, error) -> {
      storeReachable = error == null;
      if (error != null) {
        started.thenAccept(stage -> stage.toCompletableFuture().cancel(true));
      }
    });
    return bounded;
  }

  private static TokenStoreException storeFailure(Throwable error, Redactor hiding) {
    Throwable cause = Failures.unwrap(error);
    if (cause instanceof RenewalFailure) {
      throw (RenewalFailure) cause;
    }
    CtcTokenException scrubbed = hiding.scrub(cause, TokenStoreException::new);
    return scrubbed instanceof TokenStoreException
        ? (TokenStoreException) scrubbed
        : new TokenStoreException("token store failed: " + scrubbed.getMessage(), scrubbed);
  }

  private CtcTokenException closedFailure() {
    return new CtcTokenException("token manager for " + context.key() + " is closed");
  }

  private static boolean outcomeUnknown(CtcTokenException failure) {
    return failure instanceof TokenTransportException && ((TokenTransportException) failure).outcomeUnknown();
  }

  /** A short code for the store's last-error column and the status: the failure's kind, never its message. */
  static String errorCode(CtcTokenException failure) {
    if (failure instanceof CtcApiException) {
      String code = ((CtcApiException) failure).errcode();
      return "api:" + (code.length() > 32 ? code.substring(0, 32) : code);
    }
    if (failure instanceof TokenTransportException) {
      int status = ((TokenTransportException) failure).httpStatus();
      return status == 0 ? "transport" : "transport:" + status;
    }
    if (failure instanceof TokenProtocolException) {
      return "protocol";
    }
    if (failure instanceof TokenStoreException) {
      return "store";
    }
    if (failure instanceof RenewalRateLimitedException) {
      return "rate-limited";
    }
    return "error";
  }

  static FetchOutcome outcomeOf(CtcTokenException failure) {
    if (failure instanceof CtcApiException) {
      return FetchOutcome.API_ERROR;
    }
    if (failure instanceof TokenProtocolException) {
      return FetchOutcome.PROTOCOL_ERROR;
    }
    if (failure instanceof TokenStoreException) {
      return FetchOutcome.STORE_ERROR;
    }
    return FetchOutcome.TRANSPORT_ERROR;
  }

  private long now() {
    return context.clock().nanoTime();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
