package com.ctcfile.token.core;

import com.ctcfile.token.CtcTokenException;
import java.time.Duration;

/**
 * Carries a failed renewal out of {@link FleetRenewal}: the typed failure callers see, how long to wait
 * before trying again, and whether it should put the whole node into backoff (a rate-limited
 * rejection concerns its caller only).
 */
final class RenewalFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient CtcTokenException failure;
  private final transient Duration retryIn;
  private final boolean backsOff;
  private final String code;

  RenewalFailure(CtcTokenException failure, Duration retryIn, boolean backsOff) {
    this(failure, retryIn, backsOff, FleetRenewal.errorCode(failure));
  }

  /** @param code the short code the status reports, when it is not the failure's own kind */
  RenewalFailure(CtcTokenException failure, Duration retryIn, boolean backsOff, String code) {
    super(failure.getMessage(), failure, false, false);
    this.failure = failure;
    this.retryIn = retryIn;
    this.backsOff = backsOff;
    this.code = code;
  }

  /** A failure that puts the node into backoff for {@code retryIn}. */
  static RenewalFailure of(CtcTokenException failure, Duration retryIn) {
    return new RenewalFailure(failure, retryIn, true);
  }

  CtcTokenException failure() {
    return failure;
  }

  Duration retryIn() {
    return retryIn;
  }

  boolean backsOff() {
    return backsOff;
  }

  /** The short code of this failure for the status, e.g. {@code transport:503} or {@code settling}. */
  String code() {
    return code;
  }
}
