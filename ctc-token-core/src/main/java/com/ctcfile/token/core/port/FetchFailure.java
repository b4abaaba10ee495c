package com.ctcfile.token.core.port;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link TokenStore#releaseAfterFailure} records for the whole fleet when a lease holder could
 * not deliver a token. Immutable.
 *
 * @param code a short code of the failure's kind ({@code transport:503}, {@code api:40001},
 *     {@code store}), at most 64 characters, never a message or a secret
 * @param retryAfter no node should start a due fetch (first token, refresh ahead, expired) before this
 *     much time has passed, by the store's clock; a fetch after a rejection may go sooner
 * @param settle no node may be granted any lease before this much time has passed, not even after a
 *     rejection: the failed fetch's outcome is unknown (it timed out, or the connection broke after the
 *     request was sent), so the endpoint may still issue a token, and a fetch racing it would be
 *     invalidated by it. Zero when the outcome is known
 */
public record FetchFailure(String code, Duration retryAfter, Duration settle) {

  /** The longest code a store must be able to hold. */
  public static final int MAX_CODE_LENGTH = 64;

  public FetchFailure {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(retryAfter, "retryAfter");
    Objects.requireNonNull(settle, "settle");
    if (code.isEmpty()) {
      throw new IllegalArgumentException("code must not be empty");
    }
    if (code.length() > MAX_CODE_LENGTH) {
      code = code.substring(0, MAX_CODE_LENGTH);
    }
    if (retryAfter.isNegative()) {
      retryAfter = Duration.ZERO;
    }
    if (settle.isNegative()) {
      settle = Duration.ZERO;
    }
  }

  /** A failure whose outcome is known: nothing was issued by it. */
  public static FetchFailure known(String code, Duration retryAfter) {
    return new FetchFailure(code, retryAfter, Duration.ZERO);
  }

  /** Whether the fleet must settle before anyone fetches again. */
  public boolean settles() {
    return !settle.isZero();
  }
}
