package com.ctcfile.token.core.port;

import java.util.Arrays;

/** An HTTP reply as a {@link Transport} received it: status and the whole (bounded) body. Immutable. */
public final class TransportResponse {

  private final int statusCode;
  private final byte[] body;

  /**
   * @param statusCode the HTTP status
   * @param body the body bytes, at most the request's {@code maxBodyBytes}; empty if none. Copied.
   */
  public TransportResponse(int statusCode, byte[] body) {
    if (statusCode < 100 || statusCode > 999) {
      throw new IllegalArgumentException("not an HTTP status: " + statusCode);
    }
    this.statusCode = statusCode;
    this.body = body == null ? new byte[0] : body.clone();
  }

  public int statusCode() {
    return statusCode;
  }

  /** A copy of the body bytes. */
  public byte[] body() {
    return body.clone();
  }

  /** The body length in bytes. */
  public int bodyLength() {
    return body.length;
  }

  // the body may hold a token, so it is never printed
  @Override
  public String toString() {
    return "TransportResponse{status=" + statusCode + ", body=" + body.length + " bytes}";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransportResponse
        && ((TransportResponse) o).statusCode == statusCode
        && Arrays.equals(((TransportResponse) o).body, body);
  }

  @Override
  public int hashCode() {
    return 31 * statusCode + Arrays.hashCode(body);
  }
}
