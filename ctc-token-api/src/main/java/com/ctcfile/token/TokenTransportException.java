package com.ctcfile.token;

/**
 * The token endpoint could not be reached or did not answer in time (I/O error, timeout, refused or
 * dropped connection), or answered a non-2xx status without a CTC {@code errcode}. Usually
 * transient: the provider retries with backoff while a valid token keeps being served.
 */
public class TokenTransportException extends CtcTokenException {

  private final int httpStatus;
  private final boolean outcomeUnknown;

  /** A failure without any HTTP reply, after which the request may have reached the endpoint. */
  public TokenTransportException(String message, Throwable cause) {
    this(message, 0, cause);
  }

  /**
   * @param httpStatus the status of the reply, or 0 if none arrived; without a reply the outcome
   *     counts as unknown
   */
  public TokenTransportException(String message, int httpStatus, Throwable cause) {
    this(message, httpStatus, httpStatus == 0, cause);
  }

  /**
   * @param httpStatus the status of the reply, or 0 if none arrived
   * @param outcomeUnknown whether the request may have reached the endpoint without its reply
   *     reaching us (see {@link #outcomeUnknown()})
   */
  public TokenTransportException(String message, int httpStatus, boolean outcomeUnknown, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.outcomeUnknown = outcomeUnknown;
  }

  /** The HTTP status of the reply, or 0 if no reply arrived. */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * Whether the request may have reached the token endpoint although no reply did: a timeout, or a
   * connection that broke after the request was sent. The endpoint may then still issue a token, and
   * that late token invalidates the previous one, so the fleet waits a settle period before anyone
   * fetches again. {@code false} when nothing was sent (connection refused, unknown host) or a reply
   * arrived.
   */
  public boolean outcomeUnknown() {
    return outcomeUnknown;
  }
}
