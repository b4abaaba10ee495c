package com.ctcfile.token.core.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenKeyTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "https://coresite.ctcfile.com",
      "https://coresite.ctcfile.com/",
      "https://coresite.ctcfile.com:443",
      "https://CoreSite.CTCFile.com.",
      "https://coresite.ctcfile.com.:443/",
      "https://coresite.ctcfile.com/some/base/path"})
  void everySpellingOfOneEndpointNamesOneKey(String endpoint) {
    TokenKey key = TokenKey.of(URI.create(endpoint), "client-1");

    assertThat(key.id()).isEqualTo("client-1@coresite.ctcfile.com");
  }

  @ParameterizedTest
  @CsvSource({
      "http://127.0.0.1, client-1@127.0.0.1",
      "http://127.0.0.1:80, client-1@127.0.0.1",
      "http://127.0.0.1:8080, client-1@127.0.0.1:8080",
      "https://h.example:8443, client-1@h.example:8443",
      "http://h.example:443, client-1@h.example:443",
      "https://[::1]:443, client-1@[::1]",
      "https://[::1]:8443, client-1@[::1]:8443"})
  void onlyAPortOtherThanTheSchemesDefaultIsPartOfTheKey(String endpoint, String id) {
    assertThat(TokenKey.of(URI.create(endpoint), "client-1").id()).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Client-1", "client-1 "})
  void clientIdsStayCaseSensitive(String clientId) {
    assertThat(TokenKey.of(URI.create("https://h.example"), clientId))
        .isNotEqualTo(TokenKey.of(URI.create("https://h.example"), "client-1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"mailto:someone", "file:///tmp/x"})
  void anEndpointWithoutAHostIsRefused(String endpoint) {
    assertThatThrownBy(() -> TokenKey.of(URI.create(endpoint), "client-1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no host");
  }
}
