package com.ctcfile.token.core.port;

import java.time.Duration;
import java.util.Objects;

/**
 * What a node asks {@link TokenStore#tryLease} for: the right to fetch the next token of
 * {@link #key()} and publish it as {@link #nextVersion()}. Immutable.
 *
 * <p>A store grants it atomically, only if all of these hold by the store's clock:
 * <ul>
 *   <li>the stored version is still {@link #seenVersion()} (0 when there is no row yet; the row is
 *       then created);
 *   <li>no other lease is live;
 *   <li>the fleet is not settling after a fetch of unknown outcome ({@link StoredToken#settleIn()});
 *   <li>for a lease {@linkplain #afterRejection() after a rejection}: no other rejection-triggered
 *       lease of the key was granted within {@link #rejectionInterval()}. Granting one records the
 *       store's now as the key's latest rejection-triggered fetch, so the limit holds for the whole
 *       fleet, not per node. The first one is never held back.
 * </ul>
 *
 * @param key the token key
 * @param seenVersion the version the node read; the lease is granted only while it is still stored
 * @param nextVersion the version the token published under the lease gets; above {@code seenVersion},
 *     and above any version the node has seen, so versions keep growing even after a store's own
 *     version was set back (a backup restore, a failover that lost writes)
 * @param owner the node asking, as {@code TokenManagerBuilder.nodeId} names it; several nodes may
 *     share a name: leases are told apart by the id the store gives each grant
 * @param duration how long the lease lasts, by the store's clock
 * @param afterRejection whether the fetch is triggered by a rejected token
 * @param rejectionInterval the least time between two rejection-triggered leases of the key; zero
 *     for no limit. Ignored unless {@code afterRejection}
 */
public record LeaseRequest(TokenKey key, long seenVersion, long nextVersion, String owner, Duration duration,
    boolean afterRejection, Duration rejectionInterval) {

  public LeaseRequest {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(rejectionInterval, "rejectionInterval");
    if (seenVersion < 0) {
      throw new IllegalArgumentException("seenVersion must not be negative: " + seenVersion);
    }
    if (nextVersion <= seenVersion) {
      throw new IllegalArgumentException("nextVersion " + nextVersion + " must exceed seenVersion " + seenVersion);
    }
    if (owner.isBlank()) {
      throw new IllegalArgumentException("owner must not be blank");
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be positive: " + duration);
    }
    if (rejectionInterval.isNegative()) {
      throw new IllegalArgumentException("rejectionInterval must not be negative: " + rejectionInterval);
    }
  }

  /** A lease for a fetch that is due (first token, refresh ahead, expired), publishing {@code seenVersion + 1}. */
  public static LeaseRequest scheduled(TokenKey key, long seenVersion, String owner, Duration duration) {
    return new LeaseRequest(key, seenVersion, seenVersion + 1, owner, duration, false, Duration.ZERO);
  }

  /** A lease for a fetch after a rejection, at most one per {@code interval} for the fleet. */
  public static LeaseRequest afterRejection(TokenKey key, long seenVersion, String owner, Duration duration,
      Duration interval) {
    return new LeaseRequest(key, seenVersion, seenVersion + 1, owner, duration, true, interval);
  }

  /** This request publishing {@code version} instead, if that is higher than its own next version. */
  public LeaseRequest publishingAtLeast(long version) {
    return version <= nextVersion ? this
        : new LeaseRequest(key, seenVersion, version, owner, duration, afterRejection, rejectionInterval);
  }
}
