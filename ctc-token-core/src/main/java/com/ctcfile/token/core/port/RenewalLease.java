package com.ctcfile.token.core.port;

import java.time.Duration;
import java.util.Objects;

/**
 * The right, granted by a {@link TokenStore}, to fetch the next token of {@link #key()} and publish
 * it as version {@code seenVersion + 1}. It lapses after {@link #duration()} in the store's clock;
 * from then on {@link TokenStore#publish} refuses it (fencing), so a node that stalled past its lease
 * can never overwrite a newer token.
 *
 * @param key the token key
 * @param owner the node that holds the lease
 * @param seenVersion the version the owner saw when it asked; the published token gets the next one
 * @param duration how long the lease was granted for
 */
public record RenewalLease(TokenKey key, String owner, long seenVersion, Duration duration) {

  public RenewalLease {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(duration, "duration");
    if (seenVersion < 0) {
      throw new IllegalArgumentException("seenVersion must not be negative: " + seenVersion);
    }
  }

  /** The version the token published under this lease gets. */
  public long nextVersion() {
    return seenVersion + 1;
  }
}
