package com.ctcfile.token.core.internal;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.RenewalRateLimitedException;
import com.ctcfile.token.TokenProtocolException;
import com.ctcfile.token.TokenStoreException;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.port.TokenClock;
import com.ctcfile.token.core.port.FetchFailure;
import com.ctcfile.token.core.port.FreshToken;
import com.ctcfile.token.core.port.LeaseRequest;
import com.ctcfile.token.core.port.RenewalLease;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenEventListener.FetchOutcome;
import com.ctcfile.token.core.port.TokenEventListener.FetchReason;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.core.port.TokenStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One renewal of one key by the store protocol (see {@link TokenStore}): adopt a newer stored token,
 * or wait while another node holds the lease, or take the lease, fetch, and publish under it.
 *
 * <p>A node never fetches without the lease, so two nodes never invalidate each other's tokens. While
 * another node's lease is live it re-reads the row every poll interval (never more often than the
 * lease has left), so a loser costs one read per interval until the new version appears.
 */
public final class FleetRenewal {

  /** What to renew: the version the node holds, and the rejected version when a 401 asked for it. */
  public record Request(long heldVersion, long rejectedVersion, FetchReason reason) {

    public static Request scheduled(long heldVersion, FetchReason reason) {
      return new Request(heldVersion, -1, reason);
    }

    public static Request afterRejection(long heldVersion, long rejectedVersion) {
      return new Request(heldVersion, rejectedVersion, FetchReason.REJECTED);
    }

    boolean isRejection() {
      return rejectedVersion >= 0;
    }

    /** Whether {@code row} holds a token this request may take instead of fetching. */
    boolean isSatisfiedBy(StoredToken row) {
      return row.hasValidToken() && row.version() > (isRejection() ? rejectedVersion : heldVersion);
    }
  }

  private final TokenKey key;
  private final TokenStore store;
  private final TokenFetcher fetcher;
  private final String owner;
  private final Duration leaseDuration;
  private final Duration pollInterval;
  private final TokenClock clock;
  private final Timeouts timeouts;
  private final Listeners listener;
  private final Backoff backoff;
  private final RejectionRateLimit rejectionLimit;
  private final Redactor redactor;
  private final Executor storeCaller;

  /**
   * @param storeCaller the thread every store method is called from: the manager's own, never a
   *     caller's event loop or an HTTP client's I/O thread, whatever thread the renewal continues on
   */
  public FleetRenewal(TokenKey key, TokenStore store, TokenFetcher fetcher, String owner, Duration leaseDuration,
      Duration pollInterval, TokenClock clock, Timeouts timeouts, Listeners listener, Backoff backoff,
      RejectionRateLimit rejectionLimit, Redactor redactor, Executor storeCaller) {
    this.key = key;
    this.store = store;
    this.fetcher = fetcher;
    this.owner = owner;
    this.leaseDuration = leaseDuration;
    this.pollInterval = pollInterval;
    this.clock = clock;
    this.timeouts = timeouts;
    this.listener = listener;
    this.backoff = backoff;
    this.rejectionLimit = rejectionLimit;
    this.redactor = redactor;
    this.storeCaller = storeCaller;
  }

  /**
   * Renews once. Completes with the new token, or fails with a {@link RenewalFailure}. Gives up waiting
   * for another node after a lease duration plus a fetch timeout, the most a live renewal can take.
   */
  public CompletionStage<Renewed> renew(Request request) {
    long deadline = clock.nanoTime() + leaseDuration.toNanos() + fetcher.timeout().toNanos();
    return round(request, deadline);
  }

  private CompletionStage<Renewed> round(Request request, long deadline) {
    return storeCall(() -> store.read(key), redactor)
        .thenCompose(row -> decide(request, row.orElse(null), deadline));
  }

  private CompletionStage<Renewed> decide(Request request, StoredToken row, long deadline) {
    if (row != null && request.isSatisfiedBy(row)) {
      listener.tokenAdopted(key, row.version());
      return CompletableFuture.completedFuture(adopt(row));
    }
    long seenVersion = row == null ? 0 : row.version();
    if (row != null && row.isLeased()) {
      long left = deadline - clock.nanoTime();
      if (left <= 0) {
        throw new RenewalFailure(new CtcTokenException("gave up waiting for the renewal of " + key + " by "
            + row.leaseOwner().orElse("another node") + ": its lease is still live"), pollInterval, true);
      }
      Duration wait = min(pollInterval, row.leaseExpiresIn());
      return timeouts.after(wait).thenCompose(ignored -> round(request, deadline));
    }
    if (row != null && row.nextAttemptIn().compareTo(Duration.ZERO) > 0 && !request.isRejection()) {
      throw new RenewalFailure(new CtcTokenException("token renewal of " + key + " is backing off fleet-wide after "
          + row.lastError().orElse("a failure") + "; next attempt in " + row.nextAttemptIn().toMillis() + " ms"),
          row.nextAttemptIn(), true);
    }
    if (request.isRejection()) {
      Optional<Duration> wait = rejectionLimit.check();
      if (wait.isPresent()) {
        listener.rejectionRateLimited(key, request.rejectedVersion(), wait.get());
        throw new RenewalFailure(new RenewalRateLimitedException("token version " + request.rejectedVersion()
            + " of " + key + " was rejected, but the last renewal after a rejection was less than the rate limit ago;"
            + " the API keeps rejecting fresh tokens (check the clientId's permissions or another client fetching"
            + " with the same credentials); next renewal after rejection allowed in " + wait.get().toMillis() + " ms",
            wait.get()), wait.get(), false);
      }
    }
    LeaseRequest leaseRequest = request.isRejection()
        ? LeaseRequest.afterRejection(key, seenVersion, owner, leaseDuration, Duration.ZERO)
        : LeaseRequest.scheduled(key, seenVersion, owner, leaseDuration);
    return storeCall(() -> store.tryLease(leaseRequest), redactor)
        .thenCompose(lease -> lease.isPresent()
            ? fetchUnder(lease.get(), request, deadline)
            : round(request, deadline));
  }

  private CompletionStage<Renewed> fetchUnder(RenewalLease lease, Request request, long deadline) {
    if (request.isRejection()) {
      rejectionLimit.consume();
    }
    listener.fetchStarted(key, request.reason());
    long started = clock.nanoTime();
    return fetcher.fetch().handle((fetched, error) -> {
      if (error != null) {
        // the fetcher types every failure it expects; anything else (a LinkageError, say) is wrapped, never lost
        CtcTokenException failure = redactor.scrub(error, (message, cause) ->
            new CtcTokenException("token fetch failed unexpectedly: " + message, cause));
        listener.fetchCompleted(key, request.reason(), outcomeOf(failure), Duration.ofNanos(clock.nanoTime() - started));
        return failed(lease, failure);
      }
      String value = fetched.reply().accessToken();
      Redactor hidingToken = redactor.alsoHiding(value);
      Duration remaining = Duration.ofNanos(fetched.expiresAtNanos() - clock.nanoTime());
      FreshToken fresh = new FreshToken(value, fetched.reply().tokenType(), fetched.reply().expiresIn(), remaining);
      return storeCall(() -> store.publish(lease, fresh), hidingToken).whenComplete((row, storeError) -> {
        if (storeError != null) {
          listener.fetchCompleted(key, request.reason(), FetchOutcome.STORE_ERROR,
              Duration.ofNanos(clock.nanoTime() - started));
        }
      }).thenCompose(row -> {
        if (row.isEmpty()) {
          listener.leaseLost(key, lease.seenVersion());
          listener.fetchCompleted(key, request.reason(), FetchOutcome.LEASE_LOST,
              Duration.ofNanos(clock.nanoTime() - started));
          return round(request, deadline);
        }
        backoff.reset();
        long version = row.get().version();
        Duration took = Duration.ofNanos(clock.nanoTime() - started);
        listener.fetchSucceeded(key, version, took);
        listener.fetchCompleted(key, request.reason(), FetchOutcome.SUCCESS, took);
        AccessToken token = new AccessToken(value, fresh.type(),
            fetched.sentAt().plus(fetched.reply().expiresIn()), version);
        return CompletableFuture.completedFuture(
            new Renewed(token, fetched.expiresAtNanos(), fetched.reply().expiresIn(), true));
      });
    }).thenCompose(Function.identity());
  }

  private CompletionStage<Renewed> failed(RenewalLease lease, CtcTokenException failure) {
    Duration retryIn = backoff.next(failure);
    listener.fetchFailed(key, failure, retryIn);
    return onStoreCaller(() -> store.releaseAfterFailure(lease, FetchFailure.known(errorCode(failure), retryIn)))
        .handle((ignored, storeError) -> {
          if (storeError != null) {
            listener.storeFailed(key, storeFailure(storeError, redactor));
          }
          throw new RenewalFailure(failure, retryIn, true);
        });
  }

  private Renewed adopt(StoredToken row) {
    Duration left = row.expiresIn();
    AccessToken token = new AccessToken(row.value().orElseThrow(), row.type(), clock.instant().plus(left), row.version());
    Duration lifetime = row.lifetime().isZero() ? left : row.lifetime();
    return new Renewed(token, clock.nanoTime() + left.toNanos(), lifetime, false);
  }

  /** Calls the store from {@link #storeCaller}; a failure becomes a {@link RenewalFailure} that backs the node off. */
  private <T> CompletionStage<T> storeCall(Supplier<CompletionStage<T>> call, Redactor hiding) {
    return onStoreCaller(call).handle((value, error) -> {
      if (error != null) {
        TokenStoreException failure = storeFailure(error, hiding);
        listener.storeFailed(key, failure);
        throw new RenewalFailure(failure, backoff.next(failure), true);
      }
      return value;
    });
  }

  private <T> CompletableFuture<T> onStoreCaller(Supplier<CompletionStage<T>> call) {
    return CompletableFuture.supplyAsync(call, storeCaller).thenCompose(Function.identity());
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

  /** A short code for the store's last-error column: the failure's kind, never its message. */
  public static String errorCode(CtcTokenException failure) {
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

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
