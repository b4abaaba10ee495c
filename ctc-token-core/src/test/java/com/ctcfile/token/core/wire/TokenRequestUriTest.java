package com.ctcfile.token.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenRequestUriTest {

  @Test
  void appendsThePathAndEncodesBothParameters() {
    URI uri = TokenRequestUri.of(URI.create("https://coresite.ctcfile.com"), "6zgY2Dng", "f6b24565-8566");

    assertThat(uri.toString())
        .isEqualTo("https://coresite.ctcfile.com/oauth/accesstoken?clientId=6zgY2Dng&clientSecret=f6b24565-8566");
  }

  @Test
  void keepsAnEndpointPathAndDropsTrailingSlashes() {
    URI uri = TokenRequestUri.of(URI.create("https://gw.example.com/ctc//"), "id", "secret");

    assertThat(uri.getPath()).isEqualTo("/ctc/oauth/accesstoken");
  }

  @Test
  void reservedAndNonAsciiCharactersSurviveTheRoundTrip() {
    String clientId = "id &=+%/?#密 x";
    String secret = "s&e=c+r%e/t?密 钥";

    URI uri = TokenRequestUri.of(URI.create("https://h"), clientId, secret);

    assertThat(uri.getRawQuery()).doesNotContain(" ").doesNotContain("+").matches("[A-Za-z0-9%&=._*-]+");
    Map<String, String> params = parse(uri.getRawQuery());
    assertThat(params).containsEntry("clientId", clientId).containsEntry("clientSecret", secret).hasSize(2);
  }

  private static Map<String, String> parse(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return params;
  }
}
