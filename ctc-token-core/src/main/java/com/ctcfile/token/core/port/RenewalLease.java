package com.ctcfile.token.core.port;

import java.time.Duration;
import java.util.Objects;

/**
 * The right, granted by a {@link TokenStore}, to fetch the next token of {@link #key()} and publish
 * it as version {@link #nextVersion()}. It lapses after {@link #duration()} in the store's clock;
 * from then on {@link TokenStore#publish} refuses it (fencing), so a node that stalled past its lease
 * can never overwrite a newer token.
 *
 * <p>Every grant carries a fresh random {@link #id()}, and publishing or releasing requires it: two
 * nodes that happen to share an owner name (the same {@code nodeId}, or {@code host/pid} twice in
 * containers) can never publish under each other's lease. {@link #toString()} shows the id's first
 * characters only; it is not a secret, but it is the lease's credential.
 *
 * @param key the token key
 * @param owner the node that holds the lease
 * @param id the store's random identity of this grant, unique per grant
 * @param seenVersion the stored version when the lease was granted
 * @param nextVersion the version the token published under this lease gets
 * @param duration how long the lease was granted for
 */
public record RenewalLease(TokenKey key, String owner, String id, long seenVersion, long nextVersion,
    Duration duration) {

  /** The longest {@link #id()} a store must be able to hold. */
  public static final int MAX_ID_LENGTH = 64;

  public RenewalLease {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(duration, "duration");
    if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException("lease id must be 1.." + MAX_ID_LENGTH + " characters");
    }
    if (seenVersion < 0) {
      throw new IllegalArgumentException("seenVersion must not be negative: " + seenVersion);
    }
    if (nextVersion <= seenVersion) {
      throw new IllegalArgumentException("nextVersion " + nextVersion + " must exceed seenVersion " + seenVersion);
    }
  }

  /** The lease a store grants for {@code request}, with the store's fresh {@code id}. */
  public static RenewalLease granted(LeaseRequest request, String id) {
    return new RenewalLease(request.key(), request.owner(), id, request.seenVersion(), request.nextVersion(),
        request.duration());
  }

  @Override
  public String toString() {
    return "RenewalLease{key=" + key + ", owner=" + owner + ", id=" + id.substring(0, Math.min(6, id.length()))
        + "…, seenVersion=" + seenVersion + ", nextVersion=" + nextVersion + ", duration=" + duration + "}";
  }
}
