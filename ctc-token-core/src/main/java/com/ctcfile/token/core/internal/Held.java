package com.ctcfile.token.core.internal;

import com.ctcfile.token.AccessToken;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A token as one node holds it: when it expires and when its renewal is due, both on the node's
 * monotonic clock, and a completed stage made once so {@code tokenAsync()} allocates nothing.
 */
public final class Held {

  private final AccessToken token;
  private final long expiresAtNanos;
  private final long refreshAtNanos;
  private final boolean fetchedHere;
  private final CompletionStage<AccessToken> stage;

  public Held(AccessToken token, long expiresAtNanos, long refreshAtNanos, boolean fetchedHere) {
    this.token = token;
    this.expiresAtNanos = expiresAtNanos;
    this.refreshAtNanos = refreshAtNanos;
    this.fetchedHere = fetchedHere;
    this.stage = CompletableFuture.completedStage(token);
  }

  /** Whether this node fetched the token, rather than finding it in the store. */
  public boolean fetchedHere() {
    return fetchedHere;
  }

  /** How long before expiry renewal is due. */
  public long refreshAheadNanos() {
    return expiresAtNanos - refreshAtNanos;
  }

  public AccessToken token() {
    return token;
  }

  public long version() {
    return token.version();
  }

  public CompletionStage<AccessToken> stage() {
    return stage;
  }

  public long expiresAtNanos() {
    return expiresAtNanos;
  }

  public long refreshAtNanos() {
    return refreshAtNanos;
  }

  public boolean isValidAt(long nanos) {
    return nanos - expiresAtNanos < 0;
  }

  public boolean isDueAt(long nanos) {
    return nanos - refreshAtNanos >= 0;
  }
}
