package com.ctcfile.token.core;

import com.ctcfile.token.AccessToken;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A token as one node holds it: when it expires and when its renewal is due, both on the node's
 * monotonic clock; where it came from (the store's version, and when it was published, mapped onto
 * this node's clock); and a completed stage made once so {@code tokenAsync()} allocates nothing.
 */
final class Held {

  /** {@link #storeVersion()} of a token this node fetched but could not publish. */
  static final long NOT_IN_STORE = -1;

  private final AccessToken token;
  private final long expiresAtNanos;
  private final long refreshAtNanos;
  private final boolean fetchedHere;
  private final long storeVersion;
  private final long publishedAtNanos;
  private final CompletionStage<AccessToken> stage;

  Held(AccessToken token, long expiresAtNanos, long refreshAtNanos, boolean fetchedHere, long storeVersion,
      long publishedAtNanos) {
    this.token = token;
    this.expiresAtNanos = expiresAtNanos;
    this.refreshAtNanos = refreshAtNanos;
    this.fetchedHere = fetchedHere;
    this.storeVersion = storeVersion;
    this.publishedAtNanos = publishedAtNanos;
    this.stage = CompletableFuture.completedStage(token);
  }

  /** Whether this node fetched the token, rather than finding it in the store. */
  boolean fetchedHere() {
    return fetchedHere;
  }

  /** How long before expiry renewal is due. */
  long refreshAheadNanos() {
    return expiresAtNanos - refreshAtNanos;
  }

  AccessToken token() {
    return token;
  }

  /** The version callers see: never lower than one this node handed out before. */
  long version() {
    return token.version();
  }

  /** The version the store holds this token as, or {@link #NOT_IN_STORE}. */
  long storeVersion() {
    return storeVersion;
  }

  /** When the token was published (or fetched, if it never was), on this node's monotonic clock. */
  long publishedAtNanos() {
    return publishedAtNanos;
  }

  boolean is(String value) {
    return token.value().equals(value);
  }

  CompletionStage<AccessToken> stage() {
    return stage;
  }

  long expiresAtNanos() {
    return expiresAtNanos;
  }

  long refreshAtNanos() {
    return refreshAtNanos;
  }

  boolean isValidAt(long nanos) {
    return nanos - expiresAtNanos < 0;
  }

  boolean isDueAt(long nanos) {
    return nanos - refreshAtNanos >= 0;
  }
}
