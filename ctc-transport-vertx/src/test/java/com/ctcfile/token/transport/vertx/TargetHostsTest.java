package com.ctcfile.token.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How {@link TargetHosts} matches a request's host and port against the configured hosts. */
class TargetHostsTest {

  @Test
  @DisplayName("names match case-insensitively and with a root dot, literally: no lookup, no suffix match")
  void matchesNamesLiterally() {
    TargetHosts hosts = TargetHosts.of(List.of("API.ctcfile.com"));

    assertThat(hosts.matches("api.ctcfile.com", 443, true)).isTrue();
    assertThat(hosts.matches("api.CTCFILE.com.", 8443, true)).isTrue();
    assertThat(hosts.matches("evil-api.ctcfile.com", 443, true)).isFalse();
    assertThat(hosts.matches("api.ctcfile.com.evil.example", 443, true)).isFalse();
    assertThat(hosts.matches("ctcfile.com", 443, true)).isFalse();
    assertThat(hosts.matches(null, 443, true)).isFalse();
  }

  @Test
  @DisplayName("a configured port must match; a missing request port means the scheme's default")
  void matchesPorts() {
    TargetHosts hosts = TargetHosts.of(List.of("api.ctcfile.com:443", "127.0.0.1:8080"));

    assertThat(hosts.matches("api.ctcfile.com", null, true)).isTrue();
    assertThat(hosts.matches("api.ctcfile.com", -1, true)).isTrue();
    assertThat(hosts.matches("api.ctcfile.com", null, false)).as("http defaults to 80").isFalse();
    assertThat(hosts.matches("api.ctcfile.com", 8443, true)).isFalse();
    assertThat(hosts.matches("127.0.0.1", 8080, false)).isTrue();
    assertThat(hosts.matches("127.0.0.1", 8081, false)).isFalse();
  }

  @Test
  @DisplayName("IPv6 literals match with or without brackets")
  void matchesIpv6() {
    TargetHosts hosts = TargetHosts.of(List.of("[::1]:8443", "2001:db8::7"));

    assertThat(hosts.matches("::1", 8443, true)).isTrue();
    assertThat(hosts.matches("[::1]", 8443, true)).isTrue();
    assertThat(hosts.matches("::1", 443, true)).isFalse();
    assertThat(hosts.matches("[2001:DB8::7]", 1234, false)).isTrue();
  }

  @Test
  @DisplayName("loopback: localhost names and 127/8, ::1")
  void knowsLoopback() {
    assertThat(TargetHosts.isLoopback("localhost")).isTrue();
    assertThat(TargetHosts.isLoopback("api.localhost")).isTrue();
    assertThat(TargetHosts.isLoopback("127.10.0.3")).isTrue();
    assertThat(TargetHosts.isLoopback("[::1]")).isTrue();
    assertThat(TargetHosts.isLoopback("128.0.0.1")).isFalse();
    assertThat(TargetHosts.isLoopback("localhost.example.com")).isFalse();
  }
}
