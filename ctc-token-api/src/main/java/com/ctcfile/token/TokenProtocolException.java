package com.ctcfile.token;

/**
 * The token endpoint answered with a success status but a reply that cannot be accepted: not JSON,
 * a success {@code errcode} with an empty token, a token outside the RFC 6750 character set or over
 * 1024 characters, an invalid {@code expires_in}, or a body over 64 KiB.
 */
public class TokenProtocolException extends CtcTokenException {

  public TokenProtocolException(String message) {
    super(message);
  }

  public TokenProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
