package com.ctcfile.token.core.port;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Objects;

/**
 * Names the one token that all nodes share: a {@code clientId} at one token endpoint.
 *
 * <p>The endpoint part is the endpoint's host in one spelling: lower-case, without a trailing root
 * dot, followed by {@code :port} only when the port is not the scheme's default; the path, a
 * trailing slash and any user info do not count. So {@code https://H.example.com.:443/} and
 * {@code https://h.example.com} name one key, and two services configured with different spellings of
 * the same endpoint share one token instead of fetching against each other. Two providers with the
 * same key must share a store, or they invalidate each other's tokens. Holds no secret, so it may be
 * logged.
 *
 * @param endpointAuthority host[:port] of the token endpoint, lower-case
 * @param clientId the CTC client id
 */
public record TokenKey(String endpointAuthority, String clientId) {

  /** The longest {@link #id()}; longer keys are replaced by a digest so any store column can hold them. */
  public static final int MAX_ID_LENGTH = 255;

  public TokenKey {
    Objects.requireNonNull(endpointAuthority, "endpointAuthority");
    Objects.requireNonNull(clientId, "clientId");
    if (endpointAuthority.isBlank() || clientId.isBlank()) {
      throw new IllegalArgumentException("endpoint authority and clientId must not be blank");
    }
    endpointAuthority = endpointAuthority.toLowerCase(Locale.ROOT);
  }

  /** The key of {@code clientId} at {@code endpoint}, its host spelled as the class documentation says. */
  public static TokenKey of(URI endpoint, String clientId) {
    String host = endpoint.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("endpoint has no host: " + endpoint.getScheme() + "://" + endpoint.getRawAuthority());
    }
    return new TokenKey(authority(endpoint.getScheme(), host, endpoint.getPort()), clientId);
  }

  /** {@code host[:port]} as a key spells it: lower-case, no root dot, no default port. */
  static String authority(String scheme, String host, int port) {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.length() > 1 && name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    int defaultPort = "https".equalsIgnoreCase(scheme) ? 443 : "http".equalsIgnoreCase(scheme) ? 80 : -1;
    return port < 0 || port == defaultPort ? name : name + ":" + port;
  }

  /**
   * The key as one string for a store's key column: {@code clientId@authority}, or
   * {@code sha256:<hex>} of that when it would exceed {@value #MAX_ID_LENGTH} characters.
   */
  public String id() {
    String plain = clientId + "@" + endpointAuthority;
    return plain.length() <= MAX_ID_LENGTH ? plain : "sha256:" + sha256Hex(plain);
  }

  @Override
  public String toString() {
    return id();
  }

  private static String sha256Hex(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder(digest.length * 2);
      for (byte b : digest) {
        hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
