package com.ctcfile.token.core.internal;

import com.ctcfile.token.CtcTokenException;
import java.time.Duration;

/**
 * Carries a failed renewal out of {@link FleetRenewal}: the typed failure callers see, how long to wait
 * before trying again, and whether it should put the whole node into backoff (a rate-limited
 * rejection concerns its caller only).
 */
public final class RenewalFailure extends RuntimeException {

  private final CtcTokenException failure;
  private final Duration retryIn;
  private final boolean backsOff;

  RenewalFailure(CtcTokenException failure, Duration retryIn, boolean backsOff) {
    super(failure.getMessage(), failure, false, false);
    this.failure = failure;
    this.retryIn = retryIn;
    this.backsOff = backsOff;
  }

  /** A failure that puts the node into backoff for {@code retryIn}. */
  public static RenewalFailure of(CtcTokenException failure, Duration retryIn) {
    return new RenewalFailure(failure, retryIn, true);
  }

  public CtcTokenException failure() {
    return failure;
  }

  public Duration retryIn() {
    return retryIn;
  }

  public boolean backsOff() {
    return backsOff;
  }
}
