package com.ctcfile.token.core.wire;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Builds {@code GET {endpoint}/oauth/accesstoken?clientId=..&clientSecret=..}, the one request of the
 * CTC token API.
 *
 * <p>Both values are percent-encoded as UTF-8 (a space as {@code %20}, never {@code +}), so any
 * character of a clientId or secret, {@code & = + % / ?} and non-ASCII included, reaches the server
 * intact.
 */
public final class TokenRequestUri {

  /** The path the token API lives at, appended to the endpoint's own path. */
  public static final String PATH = "/oauth/accesstoken";

  private TokenRequestUri() {}

  public static URI of(URI endpoint, String clientId, String clientSecret) {
    String base = endpoint.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + PATH + "?clientId=" + encode(clientId) + "&clientSecret=" + encode(clientSecret));
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
