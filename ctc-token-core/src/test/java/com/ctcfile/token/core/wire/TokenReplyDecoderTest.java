package com.ctcfile.token.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.TokenProtocolException;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.port.TransportResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every wire rule of docs/ARCHITECTURE.md ("Wire rules"), one case each. */
class TokenReplyDecoderTest {

  private static final String SECRET = "s3cr&t=+%/?密";
  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIyNDMifQ.Sok8Q1mDOjpV22Qm-_";
  private final TokenReplyDecoder decoder = new TokenReplyDecoder(text -> text == null ? null : text.replace(SECRET, "<redacted>"), 64 * 1024);

  private static TransportResponse reply(int status, String body) {
    return new TransportResponse(status, body.getBytes(StandardCharsets.UTF_8));
  }

  private static String success(String errcodeField) {
    return "{\"token_type\":\"\",\"access_token\":\"" + TOKEN + "\",\"expires_in\":3600,\"refresh_token\":\"\""
        + errcodeField + ",\"errmsg\":\"\"}";
  }

  @ParameterizedTest
  @ValueSource(strings = {",\"errcode\":\"\"", ",\"errcode\":\"0\"", ",\"errcode\":0", ",\"errcode\":null", ""})
  void successErrcodesAndAbsentErrcodeAreSuccess(String errcodeField) {
    TokenReply decoded = decoder.decode(reply(200, success(errcodeField)));

    assertThat(decoded.accessToken()).isEqualTo(TOKEN);
    assertThat(decoded.expiresIn()).isEqualTo(Duration.ofSeconds(3600));
  }

  @Test
  void theSeedSampleDecodes() {
    String seed = "{\"token_type\": \"\", \"access_token\": \"" + TOKEN + "\", \"expires_in\": 3600,"
        + " \"refresh_token\": \"\", \"errcode\": \"\", \"errmsg\": \"\"}";

    assertThat(decoder.decode(reply(200, seed)).tokenType()).isEqualTo("Bearer");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"40001\"", "40001", "\"-1\"", "-1", "\"invalid_client\""})
  void anyOtherErrcodeIsAnApiErrorWithCodeMessageAndStatus(String errcode) {
    String body = "{\"errcode\":" + errcode + ",\"errmsg\":\"invalid clientSecret\",\"access_token\":\"\"}";

    assertThatThrownBy(() -> decoder.decode(reply(200, body)))
        .isInstanceOfSatisfying(CtcApiException.class, e -> {
          assertThat(e.errcode()).isEqualTo(errcode.replace("\"", ""));
          assertThat(e.errmsg()).isEqualTo("invalid clientSecret");
          assertThat(e.httpStatus()).isEqualTo(200);
        });
  }

  @Test
  void anErrcodeOnANon2xxReplyIsStillAnApiError() {
    assertThatThrownBy(() -> decoder.decode(reply(401, "{\"errcode\":\"40001\",\"errmsg\":\"denied\"}")))
        .isInstanceOfSatisfying(CtcApiException.class, e -> {
          assertThat(e.errcode()).isEqualTo("40001");
          assertThat(e.httpStatus()).isEqualTo(401);
        });
  }

  @Test
  void aSuccessErrcodeWithAnEmptyTokenIsAProtocolError() {
    String body = "{\"errcode\":\"\",\"access_token\":\"\",\"expires_in\":3600}";

    assertThatThrownBy(() -> decoder.decode(reply(200, body))).isInstanceOf(TokenProtocolException.class)
        .hasMessageContaining("empty access_token");
  }

  @Test
  void aMissingTokenIsAProtocolError() {
    assertThatThrownBy(() -> decoder.decode(reply(200, "{\"errcode\":0}"))).isInstanceOf(TokenProtocolException.class);
  }

  @Test
  void aNon2xxReplyWithoutErrcodeNamesTheStatusAndQuotesAtMost200SanitizedCharacters() {
    String body = "<html>\r\n" + "Bad gateway ".repeat(50) + "</html>";

    assertThatThrownBy(() -> decoder.decode(reply(502, body)))
        .isInstanceOfSatisfying(TokenTransportException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(502);
          assertThat(e.getMessage()).contains("HTTP 502").doesNotContain("\r").doesNotContain("\n");
          String quoted = e.getMessage().substring(e.getMessage().indexOf('"') + 1, e.getMessage().lastIndexOf('"'));
          assertThat(quoted).startsWith("<html>").hasSizeLessThanOrEqualTo(201);
        });
  }

  @Test
  void aQuotedBodyNeverShowsTheSecret() {
    assertThatThrownBy(() -> decoder.decode(reply(500, "echo: clientSecret=" + SECRET)))
        .isInstanceOf(TokenTransportException.class)
        .hasMessageNotContaining(SECRET)
        .hasMessageContaining("<redacted>");
  }

  @Test
  void anErrmsgEchoingTheSecretIsRedacted() {
    String body = "{\"errcode\":\"40001\",\"errmsg\":\"bad secret " + SECRET + "\"}";

    assertThatThrownBy(() -> decoder.decode(reply(200, body)))
        .isInstanceOfSatisfying(CtcApiException.class, e -> assertThat(e.errmsg()).doesNotContain(SECRET));
  }

  @Test
  void missingExpiresInMeans3600Seconds() {
    String body = "{\"access_token\":\"" + TOKEN + "\",\"errcode\":\"\"}";

    assertThat(decoder.decode(reply(200, body)).expiresIn()).isEqualTo(Duration.ofSeconds(3600));
  }

  @ParameterizedTest
  @ValueSource(strings = {"7200", "\"7200\"", "\" 7200 \"", "7200.0"})
  void expiresInMayBeANumberOrANumericString(String value) {
    String body = "{\"access_token\":\"" + TOKEN + "\",\"expires_in\":" + value + "}";

    assertThat(decoder.decode(reply(200, body)).expiresIn()).isEqualTo(Duration.ofSeconds(7200));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-5", "\"soon\"", "\"\"", "true", "{}", "[]", "604801", "1e12", "12.5"})
  void invalidExpiresInIsAProtocolError(String value) {
    String body = "{\"access_token\":\"" + TOKEN + "\",\"expires_in\":" + value + "}";

    assertThatThrownBy(() -> decoder.decode(reply(200, body))).isInstanceOf(TokenProtocolException.class)
        .hasMessageContaining("expires_in");
  }

  @Test
  void sevenDaysIsTheLongestLifetimeAccepted() {
    String body = "{\"access_token\":\"" + TOKEN + "\",\"expires_in\":604800}";

    assertThat(decoder.decode(reply(200, body)).expiresIn()).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void emptyTokenTypeMeansBearerAndAnotherTypeIsKept() {
    assertThat(decoder.decode(reply(200, "{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"\"}")).tokenType())
        .isEqualTo("Bearer");
    assertThat(decoder.decode(reply(200, "{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"bearer\"}")).tokenType())
        .isEqualTo("bearer");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc\\r\\nX-Injected: 1", "abc\\ndef", "abc def", "abc\\u0000def", "abc\\tdef",
      "abc\\u007fdef", "caf\\u00e9", "a=b"})
  void aTokenWithCrLfSpaceOrControlCharactersIsAProtocolError(String jsonEscapedToken) {
    String body = "{\"access_token\":\"" + jsonEscapedToken + "\",\"expires_in\":3600}";

    assertThatThrownBy(() -> decoder.decode(reply(200, body))).isInstanceOf(TokenProtocolException.class)
        .hasMessageContaining("access_token");
  }

  @Test
  void aTokenOver1024CharactersIsAProtocolErrorAnd1024IsAccepted() {
    String max = "a".repeat(1024);

    assertThat(decoder.decode(reply(200, "{\"access_token\":\"" + max + "\"}")).accessToken()).hasSize(1024);
    assertThatThrownBy(() -> decoder.decode(reply(200, "{\"access_token\":\"" + max + "b\"}")))
        .isInstanceOf(TokenProtocolException.class)
        .hasMessageContaining("1025")
        .hasMessageNotContaining(max);
  }

  @Test
  void aBodyOver64KibIsAProtocolError() {
    byte[] body = new byte[64 * 1024 + 1];

    assertThatThrownBy(() -> decoder.decode(new TransportResponse(200, body))).isInstanceOf(TokenProtocolException.class)
        .hasMessageContaining("65536");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not json", "[1,2]", "\"text\"", "{\"access_token\":", "{\"a\":1} trailing",
      "{'access_token':'abc'}"})
  void aSuccessReplyThatIsNotAStrictJsonObjectIsAProtocolError(String body) {
    assertThatThrownBy(() -> decoder.decode(reply(200, body))).isInstanceOf(TokenProtocolException.class);
  }

  @Test
  void aProtocolErrorNeverQuotesTheReplyBodyWhichMayHoldAToken() {
    String body = "access_token=" + TOKEN;

    assertThatThrownBy(() -> decoder.decode(reply(200, body))).isInstanceOf(TokenProtocolException.class)
        .hasMessageNotContaining(TOKEN);
  }
}
