package com.ctcfile.token.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which targets a configured host set lets the token go to, shared by every bearer integration. */
class BearerHostsTest {

  @Test
  @DisplayName("a host without a port matches any port of it, whatever the case, with or without the root dot")
  void matchesAHostOnAnyPort() {
    BearerHosts hosts = BearerHosts.of(List.of("api.ctcfile.com"));

    assertThat(hosts.matches("https", "api.ctcfile.com", -1)).isTrue();
    assertThat(hosts.matches("https", "API.CtcFile.COM", 8443)).isTrue();
    assertThat(hosts.matches("https", "api.ctcfile.com.", 443)).isTrue();
    assertThat(hosts.matches(URI.create("https://api.ctcfile.com/v1/x"))).isTrue();
  }

  @Test
  @DisplayName("a host never matches a look-alike: a sub-domain, a parent, a suffix or another address")
  void rejectsLookAlikes() {
    BearerHosts hosts = BearerHosts.of(List.of("api.ctcfile.com", "127.0.0.1"));

    assertThat(hosts.matches("https", "evil.api.ctcfile.com", 443)).isFalse();
    assertThat(hosts.matches("https", "ctcfile.com", 443)).isFalse();
    assertThat(hosts.matches("https", "api.ctcfile.com.evil.example", 443)).isFalse();
    assertThat(hosts.matches("https", "xapi.ctcfile.com", 443)).isFalse();
    assertThat(hosts.matches("http", "127.0.0.2", 80)).isFalse();
    assertThat(hosts.matches("http", "localhost", 80)).isFalse();
    assertThat(hosts.matches("http", null, 80)).isFalse();
  }

  @Test
  @DisplayName("a host with a port matches that port only; a request without a port has its scheme's default")
  void matchesTheConfiguredPort() {
    BearerHosts hosts = BearerHosts.of(List.of("api.ctcfile.com:443", "127.0.0.1:8080"));

    assertThat(hosts.matches("https", "api.ctcfile.com", -1)).isTrue();
    assertThat(hosts.matches("http", "api.ctcfile.com", -1)).as("http defaults to 80").isFalse();
    assertThat(hosts.matches("https", "api.ctcfile.com", 8443)).isFalse();
    assertThat(hosts.matches("http", "127.0.0.1", 8080)).isTrue();
    assertThat(hosts.matches("http", "127.0.0.1", 8081)).isFalse();
  }

  @Test
  @DisplayName("an endpoint's host comes with its explicit or default port")
  void takesTheEndpointsHostAndPort() {
    BearerHosts hosts = BearerHosts.of(URI.create("https://coresite.ctcfile.com"));

    assertThat(hosts.matches(URI.create("https://coresite.ctcfile.com:443/api"))).isTrue();
    assertThat(hosts.matches(URI.create("https://coresite.ctcfile.com:8443/api"))).isFalse();
    assertThat(hosts).hasToString("[coresite.ctcfile.com:443]");
  }

  @Test
  @DisplayName("IPv6 literals match with and without brackets")
  void matchesIpv6Literals() {
    BearerHosts hosts = BearerHosts.of(List.of("[::1]:8443", "2001:db8::7"));

    assertThat(hosts.matches("https", "::1", 8443)).isTrue();
    assertThat(hosts.matches("https", "[::1]", 8443)).isTrue();
    assertThat(hosts.matches("https", "::1", 443)).isFalse();
    assertThat(hosts.matches("http", "[2001:DB8::7]", 1234)).isTrue();
    assertThat(hosts).hasToString("[[::1]:8443, [2001:db8::7]]");
  }

  @Test
  @DisplayName("loopback means localhost, *.localhost, 127.0.0.0/8 and ::1, nothing else")
  void knowsLoopback() {
    assertThat(BearerHosts.isLoopback("localhost")).isTrue();
    assertThat(BearerHosts.isLoopback("api.localhost")).isTrue();
    assertThat(BearerHosts.isLoopback("127.1.2.3")).isTrue();
    assertThat(BearerHosts.isLoopback("[::1]")).isTrue();
    assertThat(BearerHosts.isLoopback("localhost.evil.example")).isFalse();
    assertThat(BearerHosts.isLoopback("10.0.0.1")).isFalse();
    assertThat(BearerHosts.isLoopback("128.0.0.1")).isFalse();
  }

  @Test
  @DisplayName("the token travels over https, or plain http to loopback, or where insecure http is allowed")
  void decidesWhereTheTokenMayTravelInClear() {
    assertThat(BearerHosts.mayCarryToken("https", "api.ctcfile.com", false)).isTrue();
    assertThat(BearerHosts.mayCarryToken("http", "127.0.0.1", false)).isTrue();
    assertThat(BearerHosts.mayCarryToken("http", "api.ctcfile.com", false)).isFalse();
    assertThat(BearerHosts.mayCarryToken("http", "api.ctcfile.com", true)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "https://api.ctcfile.com", "api.ctcfile.com/v1", "user@api.ctcfile.com",
      "api.ctcfile.com:", "api.ctcfile.com:0", "api.ctcfile.com:65536", "api.ctcfile.com:http", "[::1", "[::1]8080",
      ":8080", "api ctcfile.com"})
  @DisplayName("what is not a host with an optional port is refused, saying why")
  void refusesMalformedHosts(String spec) {
    assertThatThrownBy(() -> BearerHosts.validate(spec)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(spec.trim().isEmpty() ? "blank" : spec);
    assertThatThrownBy(() -> BearerHosts.of(List.of("ok.example", spec))).isInstanceOf(IllegalArgumentException.class);
  }
}
