package com.ctcfile.token.core;

import com.ctcfile.token.core.port.FetchFailure;
import com.ctcfile.token.core.port.FreshToken;
import com.ctcfile.token.core.port.LeaseRequest;
import com.ctcfile.token.core.port.RenewalLease;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenClock;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.core.port.TokenStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link TokenStore} in this JVM's memory: the default store of a {@link TokenManager}.
 *
 * <p>It implements the whole fleet protocol (versions, leases with ids and fencing, fleet backoff,
 * settling, the fleet's rejection limit) with its own clock standing in for a database's, so two
 * managers sharing one instance behave exactly like two nodes sharing a database. It shares nothing
 * across processes: a fleet of JVMs needs a store they all reach, such as {@code JdbcTokenStore}.
 *
 * <p>Thread-safe; every stage is already complete when returned.
 */
public final class InMemoryTokenStore implements TokenStore {

  private final TokenClock clock;
  private final Map<TokenKey, Row> rows = new HashMap<>();

  /** A store on the system clock. */
  public InMemoryTokenStore() {
    this(TokenClock.system());
  }

  /** A store whose "database clock" is {@code clock}, for tests of clock skew between nodes. */
  public InMemoryTokenStore(TokenClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public synchronized CompletionStage<Optional<StoredToken>> read(TokenKey key) {
    Row row = rows.get(Objects.requireNonNull(key, "key"));
    return done(row == null ? Optional.empty() : Optional.of(row.snapshot(key, clock.nanoTime())));
  }

  @Override
  public synchronized CompletionStage<Optional<RenewalLease>> tryLease(LeaseRequest request) {
    Objects.requireNonNull(request, "request");
    long now = clock.nanoTime();
    Row row = rows.get(request.key());
    if (row == null) {
      if (request.seenVersion() != 0) {
        return done(Optional.empty());
      }
      row = new Row();
      rows.put(request.key(), row);
    } else if (row.version != request.seenVersion() || row.leaseLive(now) || row.settleUntil - now > 0
        || (request.afterRejection() && row.rejectionFetchAt != null
            && now - row.rejectionFetchAt < request.rejectionInterval().toNanos())) {
      return done(Optional.empty());
    }
    RenewalLease lease = RenewalLease.granted(request, newLeaseId());
    row.leaseOwner = lease.owner();
    row.leaseId = lease.id();
    row.leaseUntil = now + request.duration().toNanos();
    if (request.afterRejection()) {
      row.rejectionFetchAt = now;
    }
    return done(Optional.of(lease));
  }

  @Override
  public synchronized CompletionStage<Optional<StoredToken>> publish(RenewalLease lease, FreshToken token) {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(token, "token");
    long now = clock.nanoTime();
    Row row = rows.get(lease.key());
    if (row == null || !row.heldBy(lease, now)) {
      return done(Optional.empty());
    }
    row.version = lease.nextVersion();
    row.value = token.value();
    row.type = token.type();
    row.expiresAt = now + token.remaining().toNanos();
    row.lifetime = token.lifetime();
    row.fetchedAt = now;
    row.clearLease();
    row.lastError = null;
    row.nextAttemptAt = now;
    row.settleUntil = now;
    return done(Optional.of(row.snapshot(lease.key(), now)));
  }

  @Override
  public synchronized CompletionStage<Void> releaseAfterFailure(RenewalLease lease, FetchFailure failure) {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(failure, "failure");
    long now = clock.nanoTime();
    Row row = rows.get(lease.key());
    if (row != null && row.heldBy(lease, now)) {
      row.clearLease();
      row.lastError = failure.code();
      row.nextAttemptAt = now + failure.retryAfter().toNanos();
      row.settleUntil = now + failure.settle().toNanos();
    }
    return done(null);
  }

  @Override
  public String toString() {
    return "InMemoryTokenStore{" + clock + "}";
  }

  private static String newLeaseId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return Long.toHexString(random.nextLong() | Long.MIN_VALUE) + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  /** One key's state; times are this store's clock readings. */
  private static final class Row {
    long version;
    String value;
    String type;
    long expiresAt;
    long fetchedAt;
    Duration lifetime = Duration.ZERO;
    String leaseOwner;
    String leaseId;
    long leaseUntil;
    String lastError;
    long nextAttemptAt;
    long settleUntil;
    Long rejectionFetchAt;

    boolean leaseLive(long now) {
      return leaseOwner != null && leaseUntil - now > 0;
    }

    boolean heldBy(RenewalLease lease, long now) {
      return version == lease.seenVersion() && lease.id().equals(leaseId) && leaseLive(now);
    }

    void clearLease() {
      leaseOwner = null;
      leaseId = null;
    }

    StoredToken snapshot(TokenKey key, long now) {
      return StoredToken.builder(key)
          .token(version, value, type, value == null ? Duration.ZERO : Duration.ofNanos(expiresAt - now), lifetime)
          .fetchedAgo(value == null ? Duration.ZERO : Duration.ofNanos(now - fetchedAt))
          .lease(leaseOwner, Duration.ofNanos(leaseUntil - now))
          .lastError(lastError, Duration.ofNanos(nextAttemptAt - now))
          .settleIn(Duration.ofNanos(settleUntil - now))
          .rejectionFetchAgo(rejectionFetchAt == null ? null : Duration.ofNanos(now - rejectionFetchAt))
          .build();
    }
  }
}
