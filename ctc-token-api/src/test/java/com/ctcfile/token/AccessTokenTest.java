package com.ctcfile.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccessTokenTest {

  private static final String VALUE = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIyNDMifQ.Sok8Q1mDOjpV22Q-_~+/==";
  private static final Instant EXPIRY = Instant.parse("2026-11-25T09:00:00Z");

  @Test
  void theHeaderValueIsAlwaysBearerPlusTheValue() {
    assertThat(new AccessToken(VALUE, "", EXPIRY, 1).authorizationHeaderValue()).isEqualTo("Bearer " + VALUE);
    assertThat(new AccessToken(VALUE, "mac", EXPIRY, 1).authorizationHeaderValue()).isEqualTo("Bearer " + VALUE);
  }

  @Test
  void anEmptyOrMissingTypeMeansBearer() {
    assertThat(new AccessToken(VALUE, "", EXPIRY, 1).type()).isEqualTo("Bearer");
    assertThat(new AccessToken(VALUE, null, EXPIRY, 1).type()).isEqualTo("Bearer");
    assertThat(new AccessToken(VALUE, "bearer", EXPIRY, 1).type()).isEqualTo("bearer");
  }

  @Test
  void toStringNeverPrintsTheValue() {
    String text = new AccessToken(VALUE, "", EXPIRY, 7).toString();

    assertThat(text).doesNotContain(VALUE).doesNotContain(VALUE.substring(0, 12))
        .contains("version=7").contains(VALUE.length() + " chars");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "a\r\nb", "a\nb", "a\u0000b", "a=b", "=abc", "é"})
  void aValueOutsideTheB64TokenSetIsRefusedWithoutEchoingIt(String value) {
    assertThatThrownBy(() -> new AccessToken(value, "", EXPIRY, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aValueOver1024CharactersIsRefused() {
    assertThat(new AccessToken("a".repeat(1024), "", EXPIRY, 1).value()).hasSize(1024);
    assertThatThrownBy(() -> new AccessToken("a".repeat(1025), "", EXPIRY, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1025");
  }

  @Test
  void equalTokensHaveEqualFields() {
    assertThat(new AccessToken(VALUE, "", EXPIRY, 1)).isEqualTo(new AccessToken(VALUE, "Bearer", EXPIRY, 1))
        .hasSameHashCodeAs(new AccessToken(VALUE, "Bearer", EXPIRY, 1))
        .isNotEqualTo(new AccessToken(VALUE, "", EXPIRY, 2));
  }

  @Test
  void expiryIsExclusive() {
    AccessToken token = new AccessToken(VALUE, "", EXPIRY, 1);
    assertThat(token.isExpiredAt(EXPIRY.minusNanos(1))).isFalse();
    assertThat(token.isExpiredAt(EXPIRY)).isTrue();
  }

  @Test
  void exceptionsCarryTheirFields() {
    CtcApiException api = new CtcApiException("40001", "invalid clientSecret", 200);
    assertThat(api).isInstanceOf(CtcTokenException.class).isInstanceOf(RuntimeException.class)
        .hasMessageContaining("40001").hasMessageContaining("invalid clientSecret").hasMessageContaining("200");
    assertThat(new TokenTransportException("refused", null).httpStatus()).isZero();
    assertThat(new TokenTransportException("HTTP 502", 502, null).httpStatus()).isEqualTo(502);
  }
}
