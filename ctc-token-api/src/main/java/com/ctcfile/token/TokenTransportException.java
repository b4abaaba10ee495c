package com.ctcfile.token;

/**
 * The token endpoint could not be reached or did not answer in time (I/O error, timeout, refused or
 * dropped connection), or answered a non-2xx status without a CTC {@code errcode}. Usually
 * transient: the provider retries with backoff while a valid token keeps being served.
 */
public class TokenTransportException extends CtcTokenException {

  private final int httpStatus;

  /** A failure without any HTTP reply. */
  public TokenTransportException(String message, Throwable cause) {
    this(message, 0, cause);
  }

  /**
   * @param httpStatus the status of the reply, or 0 if none arrived
   */
  public TokenTransportException(String message, int httpStatus, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
  }

  /** The HTTP status of the reply, or 0 if no reply arrived. */
  public int httpStatus() {
    return httpStatus;
  }
}
