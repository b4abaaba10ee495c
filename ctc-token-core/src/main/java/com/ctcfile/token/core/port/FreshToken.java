package com.ctcfile.token.core.port;

import com.ctcfile.token.B64Token;
import java.time.Duration;
import java.util.Objects;

/**
 * A token just fetched, as handed to {@link TokenStore#publish}. Immutable; {@link #toString()}
 * never prints the value.
 *
 * @param value the token, a valid RFC 6750 b64token
 * @param type the token type, never empty
 * @param lifetime the {@code expires_in} the server sent
 * @param remaining how much of the lifetime is left now, measured from when the request was sent;
 *     a store adds it to its own clock to get the shared expiry
 */
public record FreshToken(String value, String type, Duration lifetime, Duration remaining) {

  public FreshToken {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(lifetime, "lifetime");
    Objects.requireNonNull(remaining, "remaining");
    B64Token.problemWith(value).ifPresent(problem -> {
      throw new IllegalArgumentException("token " + problem);
    });
  }

  @Override
  public String toString() {
    return "FreshToken{type=" + type + ", value=<" + value.length() + " chars>, lifetime=" + lifetime
        + ", remaining=" + remaining + "}";
  }
}
