package com.ctcfile.token.core.wire;

import com.ctcfile.token.B64Token;
import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.TokenProtocolException;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.port.TransportResponse;
import com.ctcfile.token.core.wire.JsonReply.Composite;
import com.ctcfile.token.core.wire.JsonReply.Literal;
import com.ctcfile.token.core.wire.JsonReply.Number;
import com.ctcfile.token.core.wire.JsonReply.Text;
import com.ctcfile.token.core.wire.JsonReply.Value;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Turns a token endpoint reply into a {@link TokenReply} or the typed exception the wire rules name
 * (docs/ARCHITECTURE.md, "Wire rules"):
 * <ul>
 *   <li>{@code errcode} {@code ""}, {@code "0"}, {@code 0}, {@code null} or absent is success; any
 *       other value, with any HTTP status, is a {@link CtcApiException}.
 *   <li>A non-2xx reply without an {@code errcode} is a {@link TokenTransportException} naming the
 *       status and quoting at most 200 sanitised characters of the body.
 *   <li>A 2xx reply must be a JSON object with a non-empty {@code access_token} of the RFC 6750
 *       b64token set, at most 1024 characters; {@code expires_in} is a number or numeric string of
 *       1 second to 7 days, 3600 when absent; an empty {@code token_type} means {@code Bearer}.
 *       Anything else is a {@link TokenProtocolException}.
 * </ul>
 * Thread-safe.
 */
public final class TokenReplyDecoder {

  static final Duration DEFAULT_EXPIRES_IN = Duration.ofSeconds(3600);
  static final long MAX_EXPIRES_IN_SECONDS = Duration.ofDays(7).toSeconds();
  static final int QUOTE_LIMIT = 200;

  private final UnaryOperator<String> redact;
  private final int maxBodyBytes;

  /**
   * @param redact masks secrets in text taken from a reply (a server may echo the query string)
   * @param maxBodyBytes the longest body accepted
   */
  public TokenReplyDecoder(UnaryOperator<String> redact, int maxBodyBytes) {
    this.redact = redact;
    this.maxBodyBytes = maxBodyBytes;
  }

  public TokenReply decode(TransportResponse response) {
    int status = response.statusCode();
    if (response.bodyLength() > maxBodyBytes) {
      throw new TokenProtocolException("token reply body exceeds " + maxBodyBytes + " bytes");
    }
    String text = new String(response.body(), StandardCharsets.UTF_8);
    Optional<JsonReply> json = JsonReply.parse(text);
    boolean success = status >= 200 && status < 300;
    Optional<String> errcode = json.flatMap(TokenReplyDecoder::failedErrcode);
    if (errcode.isPresent()) {
      throw new CtcApiException(quote(errcode.get(), QUOTE_LIMIT), errmsg(json.get()), status);
    }
    if (!success) {
      throw new TokenTransportException("token endpoint answered HTTP " + status
          + (text.isEmpty() ? " with an empty body" : ": \"" + quote(text, QUOTE_LIMIT) + "\""), status, null);
    }
    JsonReply reply = json.orElseThrow(() -> new TokenProtocolException(
        "token reply (HTTP " + status + ", " + response.bodyLength() + " bytes) is not a JSON object"));
    return new TokenReply(accessToken(reply), tokenType(reply), expiresIn(reply));
  }

  /** The errcode as text when it says failure; empty when it says success or is absent. */
  private static Optional<String> failedErrcode(JsonReply reply) {
    Optional<Value> code = reply.get("errcode");
    if (code.isEmpty()) {
      return Optional.empty();
    }
    if (code.get() instanceof Number number) {
      BigDecimal value = number.decimal();
      return value.signum() == 0 ? Optional.empty() : Optional.of(value.stripTrailingZeros().toPlainString());
    }
    if (code.get() instanceof Text string) {
      String text = string.value().trim();
      return text.isEmpty() || text.equals("0") ? Optional.empty() : Optional.of(text);
    }
    return Optional.of(code.get().asText());
  }

  private String errmsg(JsonReply reply) {
    return reply.get("errmsg").map(message -> quote(message.asText(), QUOTE_LIMIT)).orElse("");
  }

  private static String accessToken(JsonReply reply) {
    Value token = reply.get("access_token")
        .orElseThrow(() -> new TokenProtocolException("success reply carries no access_token"));
    if (!(token instanceof Text string)) {
      throw new TokenProtocolException("access_token is not a JSON string");
    }
    String value = string.value();
    if (value.isEmpty()) {
      throw new TokenProtocolException("success reply carries an empty access_token");
    }
    B64Token.problemWith(value).ifPresent(problem -> {
      throw new TokenProtocolException("access_token " + problem);
    });
    return value;
  }

  private static String tokenType(JsonReply reply) {
    Optional<Value> type = reply.get("token_type");
    if (type.isEmpty()) {
      return "Bearer";
    }
    if (!(type.get() instanceof Text string)) {
      throw new TokenProtocolException("token_type is not a JSON string");
    }
    String value = string.value();
    if (value.isEmpty()) {
      return "Bearer";
    }
    if (value.length() > 64 || !value.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new TokenProtocolException("token_type is not a short run of visible ASCII characters");
    }
    return value;
  }

  private static Duration expiresIn(JsonReply reply) {
    Optional<Value> field = reply.get("expires_in");
    if (field.isEmpty()) {
      return DEFAULT_EXPIRES_IN;
    }
    BigDecimal seconds;
    try {
      if (field.get() instanceof Literal || field.get() instanceof Composite) {
        throw new NumberFormatException();
      }
      seconds = new BigDecimal(field.get().asText().trim());
    } catch (NumberFormatException notNumeric) {
      throw new TokenProtocolException("expires_in is not numeric");
    }
    if (seconds.signum() <= 0) {
      throw new TokenProtocolException("expires_in must be positive, was " + seconds.toPlainString());
    }
    if (seconds.compareTo(BigDecimal.valueOf(MAX_EXPIRES_IN_SECONDS)) > 0) {
      throw new TokenProtocolException("expires_in exceeds 7 days (" + MAX_EXPIRES_IN_SECONDS + " s): "
          + seconds.toPlainString());
    }
    if (seconds.stripTrailingZeros().scale() > 0) {
      throw new TokenProtocolException("expires_in is not a whole number of seconds: " + seconds.toPlainString());
    }
    return Duration.ofSeconds(seconds.longValueExact());
  }

  /**
   * {@code text} made safe to quote in one line: secrets masked, line breaks and control characters
   * turned into spaces, cut at {@code maxChars} with an ellipsis.
   */
  private String quote(String text, int maxChars) {
    String redacted = redact.apply(text);
    StringBuilder out = new StringBuilder(Math.min(redacted.length(), maxChars) + 1);
    for (int i = 0; i < redacted.length() && out.length() < maxChars; i++) {
      char c = redacted.charAt(i);
      out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
    }
    if (redacted.length() > maxChars) {
      out.append('…');
    }
    return out.toString();
  }
}
