package com.ctcfile.token;

import java.time.Duration;

/**
 * A renewal after rejection was refused because the previous rejection-triggered fetch of the same
 * key happened less than the configured interval ago: the API keeps rejecting fresh tokens, and
 * fetching again would only invalidate the token other callers hold. The first renewal after a
 * rejection is never refused.
 */
public class RenewalRateLimitedException extends CtcTokenException {

  private final Duration retryAfter;

  public RenewalRateLimitedException(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = retryAfter;
  }

  /** How long until a rejection may trigger a fetch again. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
