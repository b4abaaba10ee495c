package com.ctcfile.token;

/**
 * Root of every failure ctc-token reports; unchecked.
 *
 * <p>Messages never contain the client secret or a whole token. Catch a subtype to react to one
 * cause; catch this type to handle them all.
 */
public class CtcTokenException extends RuntimeException {

  public CtcTokenException(String message) {
    super(message);
  }

  public CtcTokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
