package com.ctcfile.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Objects;

/**
 * One CTC access token, immutable.
 *
 * <p>{@link #toString()} never prints the token value, only its length and a short fingerprint
 * (the first 8 hex digits of its SHA-256), so a token can be told apart in logs without being leaked.
 */
public final class AccessToken {

  /** The longest token accepted; the CTC documentation asks for at least 512 characters of room. */
  public static final int MAX_LENGTH = 1024;

  private static final String DEFAULT_TYPE = "Bearer";

  private final String value;
  private final String type;
  private final Instant expiresAt;
  private final long version;
  // computed once: the bearer integrations read it on every request, so it must not allocate there
  private final String authorizationHeaderValue;

  /**
   * @param value the token, 1 to {@value #MAX_LENGTH} characters of the RFC 6750 b64token set
   * @param type the type as sent by the server; {@code null} or empty means {@code Bearer}
   * @param expiresAt when the token expires: request send time plus {@code expires_in}
   * @param version the store version of this token, growing with every renewal of its key
   * @throws IllegalArgumentException if {@code value} is not a valid b64token or {@code version < 0}
   */
  public AccessToken(String value, String type, Instant expiresAt, long version) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(expiresAt, "expiresAt");
    B64Token.problemWith(value).ifPresent(problem -> {
      throw new IllegalArgumentException("access token " + problem);
    });
    if (version < 0) {
      throw new IllegalArgumentException("version must not be negative: " + version);
    }
    this.value = value;
    this.type = type == null || type.isEmpty() ? DEFAULT_TYPE : type;
    this.expiresAt = expiresAt;
    this.version = version;
    this.authorizationHeaderValue = DEFAULT_TYPE + " " + value;
  }

  /** The token itself; treat it as a secret. */
  public String value() {
    return value;
  }

  /** The token type as sent by the server, {@code Bearer} when it sent an empty one. */
  public String type() {
    return type;
  }

  /** Request send time plus {@code expires_in}; no safety margin is folded in. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** Grows with every renewal of this token's key; never goes backwards. */
  public long version() {
    return version;
  }

  /** Always {@code "Bearer " + value()}, the value of the {@code Authorization} header. */
  public String authorizationHeaderValue() {
    return authorizationHeaderValue;
  }

  /** Whether this token expires at or before {@code instant}. */
  public boolean isExpiredAt(Instant instant) {
    return !expiresAt.isAfter(instant);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof AccessToken)) {
      return false;
    }
    AccessToken other = (AccessToken) o;
    return version == other.version
        && value.equals(other.value)
        && type.equals(other.type)
        && expiresAt.equals(other.expiresAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value, type, expiresAt, version);
  }

  @Override
  public String toString() {
    return "AccessToken{type=" + type + ", value=<" + value.length() + " chars, sha256 "
        + fingerprint(value) + "…>, expiresAt=" + expiresAt + ", version=" + version + "}";
  }

  private static String fingerprint(String value) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
      StringBuilder hex = new StringBuilder(8);
      for (int i = 0; i < 4; i++) {
        hex.append(Character.forDigit((digest[i] >> 4) & 0xF, 16)).append(Character.forDigit(digest[i] & 0xF, 16));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
