package com.ctcfile.token;

/**
 * The token endpoint answered with a non-success {@code errcode}, whatever the HTTP status: for
 * example wrong credentials. Retrying at once will not help; the provider backs off.
 */
public class CtcApiException extends CtcTokenException {

  private final String errcode;
  private final String errmsg;
  private final int httpStatus;

  /**
   * @param errcode the error code as sent (a JSON number is given in its decimal form)
   * @param errmsg the error message as sent, already sanitised; empty if none
   * @param httpStatus the HTTP status of the reply
   */
  public CtcApiException(String errcode, String errmsg, int httpStatus) {
    this(errcode, errmsg, httpStatus, null);
  }

  public CtcApiException(String errcode, String errmsg, int httpStatus, Throwable cause) {
    super(describe(errcode, errmsg, httpStatus), cause);
    this.errcode = errcode;
    this.errmsg = errmsg == null ? "" : errmsg;
    this.httpStatus = httpStatus;
  }

  public String errcode() {
    return errcode;
  }

  public String errmsg() {
    return errmsg;
  }

  public int httpStatus() {
    return httpStatus;
  }

  private static String describe(String errcode, String errmsg, int httpStatus) {
    String text = "token endpoint answered errcode " + errcode + " (HTTP " + httpStatus + ")";
    return errmsg == null || errmsg.isEmpty() ? text : text + ": " + errmsg;
  }
}
