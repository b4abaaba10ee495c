package com.ctcfile.token;

import java.util.Optional;

/**
 * The RFC 6750 {@code b64token} syntax: what may follow {@code Bearer } in an HTTP header.
 *
 * <p>A token from the server is written into request headers verbatim, so anything outside this set
 * (CR, LF, spaces, control characters) could split or forge headers and is refused.
 */
public final class B64Token {

  private B64Token() {}

  /** Whether {@code value} is 1 to {@value AccessToken#MAX_LENGTH} characters of the b64token set. */
  public static boolean isValid(String value) {
    return problemWith(value).isEmpty();
  }

  /**
   * Says why {@code value} is not a valid token, naming the offending character's class and index
   * but never the token itself; empty if it is valid.
   */
  public static Optional<String> problemWith(String value) {
    String problem = findProblem(value);
    return Optional.ofNullable(problem);
  }

  private static String findProblem(String value) {
    if (value.isEmpty()) {
      return "is empty";
    }
    if (value.length() > AccessToken.MAX_LENGTH) {
      return "is " + value.length() + " characters long, more than " + AccessToken.MAX_LENGTH;
    }
    int i = 0;
    while (i < value.length() && isTokenChar(value.charAt(i))) {
      i++;
    }
    if (i == 0) {
      return "starts with a character outside the RFC 6750 b64token set";
    }
    while (i < value.length() && value.charAt(i) == '=') {
      i++;
    }
    if (i < value.length()) {
      return "has a character outside the RFC 6750 b64token set at index " + i
          + " (" + describe(value.charAt(i)) + ")";
    }
    return null;
  }

  private static boolean isTokenChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
  }

  // names the offending character's class, never the token around it
  private static String describe(char c) {
    if (c == '\r') {
      return "CR";
    }
    if (c == '\n') {
      return "LF";
    }
    if (c == ' ') {
      return "space";
    }
    if (Character.isISOControl(c)) {
      return "control character U+" + String.format("%04X", (int) c);
    }
    if (c > 126) {
      return "non-ASCII character";
    }
    return "'" + c + "'";
  }
}
