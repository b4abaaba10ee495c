package com.ctcfile.token.core.wire;

import java.time.Duration;

/**
 * A successful token reply, already checked against every wire rule. {@link #toString()} never
 * prints the token.
 *
 * @param accessToken a valid RFC 6750 b64token of at most 1024 characters
 * @param tokenType as sent, {@code Bearer} when the server sent none or an empty one
 * @param expiresIn the lifetime the server granted, 1 second to 7 days
 */
public record TokenReply(String accessToken, String tokenType, Duration expiresIn) {

  @Override
  public String toString() {
    return "TokenReply{tokenType=" + tokenType + ", accessToken=<" + accessToken.length() + " chars>, expiresIn="
        + expiresIn + "}";
  }
}
