package com.ctcfile.token.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenManagerBuilderTest {

  private final ScriptedTransport transport = new ScriptedTransport();

  private TokenManagerBuilder builder(String endpoint) {
    return TokenManager.builder().endpoint(URI.create(endpoint)).clientId("id").clientSecret("secret")
        .transport(transport);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://coresite.ctcfile.com", "http://10.0.0.5:8080", "http://example.com/ctc"})
  void plainHttpToANonLoopbackHostIsRefused(String endpoint) {
    assertThatThrownBy(() -> builder(endpoint).build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https").hasMessageContaining("allowInsecureHttp");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:8080", "http://127.1.2.3",
      "https://coresite.ctcfile.com", "HTTPS://coresite.ctcfile.com/prefix/"})
  void httpsAndLoopbackHttpAreAccepted(String endpoint) {
    assertThatNoException().isThrownBy(() -> builder(endpoint).build().close());
  }

  @Test
  void allowInsecureHttpOptsIntoPlainHttp() {
    assertThatNoException().isThrownBy(() -> builder("http://ctc.internal").allowInsecureHttp(true).build().close());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://coresite.ctcfile.com", "https://h/?x=1", "https://h/#f", "https://user:pw@h",
      "/relative"})
  void malformedEndpointsAreRefused(String endpoint) {
    assertThatThrownBy(() -> builder(endpoint).build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint");
  }

  @Test
  void requiredOptionsAreNamedWhenMissing() {
    assertThatThrownBy(() -> TokenManager.builder().clientId("id").clientSecret("s").transport(transport).build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("endpoint");
    assertThatThrownBy(() -> TokenManager.builder().endpoint(URI.create("https://h")).clientSecret("s")
        .transport(transport).build()).hasMessageContaining("clientId");
    assertThatThrownBy(() -> TokenManager.builder().endpoint(URI.create("https://h")).clientId("id")
        .transport(transport).build()).hasMessageContaining("clientSecret");
    assertThatThrownBy(() -> TokenManager.builder().endpoint(URI.create("https://h")).clientId("id")
        .clientSecret("s").build()).hasMessageContaining("transport");
  }

  @Test
  void badValuesAreRefusedByTheSetterThatTakesThem() {
    TokenManagerBuilder builder = TokenManager.builder();
    assertThatThrownBy(() -> builder.clientId(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.fetchTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.refreshAhead(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.leaseDuration(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.nodeId("x".repeat(129))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theLeaseMustOutlastAFetch() {
    assertThatThrownBy(() -> builder("https://h").fetchTimeout(Duration.ofSeconds(30)).leaseDuration(Duration.ofSeconds(30))
        .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseDuration");
  }

  @Test
  void theKeyIsTheClientIdAtTheEndpointAuthority() {
    try (TokenManager manager = builder("https://CoreSite.ctcfile.com:8443/ctc").build()) {
      assertThat(manager.key().id()).isEqualTo("id@coresite.ctcfile.com:8443");
    }
  }
}
