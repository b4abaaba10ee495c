package com.ctcfile.token.transport.httpclient5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenProvider;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which targets a configured host set lets the token go to, and which host specs the builder accepts. */
class TargetHostsTest {

  @Test
  @DisplayName("a host without a port matches any port of it, whatever the case, with or without the root dot")
  void matchesAHostOnAnyPort() {
    TargetHosts hosts = TargetHosts.of(List.of("api.ctcfile.com"));

    assertThat(hosts.matches(new HttpHost("https", "api.ctcfile.com", -1))).isTrue();
    assertThat(hosts.matches(new HttpHost("https", "API.CtcFile.COM", 8443))).isTrue();
    assertThat(hosts.matches(new HttpHost("https", "api.ctcfile.com.", 443))).isTrue();
  }

  @Test
  @DisplayName("a host never matches a look-alike: a sub-domain, a parent, a suffix or another address")
  void rejectsLookAlikes() {
    TargetHosts hosts = TargetHosts.of(List.of("api.ctcfile.com", "127.0.0.1"));

    assertThat(hosts.matches(new HttpHost("https", "evil.api.ctcfile.com", 443))).isFalse();
    assertThat(hosts.matches(new HttpHost("https", "ctcfile.com", 443))).isFalse();
    assertThat(hosts.matches(new HttpHost("https", "api.ctcfile.com.evil.example", 443))).isFalse();
    assertThat(hosts.matches(new HttpHost("https", "xapi.ctcfile.com", 443))).isFalse();
    assertThat(hosts.matches(new HttpHost("http", "127.0.0.2", 80))).isFalse();
    assertThat(hosts.matches(new HttpHost("http", "localhost", 80))).isFalse();
  }

  @Test
  @DisplayName("a host with a port matches that port only; a URL without a port has its scheme's default")
  void matchesTheConfiguredPort() {
    TargetHosts hosts = TargetHosts.of(List.of("api.ctcfile.com:443", "127.0.0.1:8080"));

    assertThat(hosts.matches(new HttpHost("https", "api.ctcfile.com", -1))).isTrue();
    assertThat(hosts.matches(new HttpHost("http", "api.ctcfile.com", -1))).isFalse();
    assertThat(hosts.matches(new HttpHost("https", "api.ctcfile.com", 8443))).isFalse();
    assertThat(hosts.matches(new HttpHost("http", "127.0.0.1", 8080))).isTrue();
    assertThat(hosts.matches(new HttpHost("http", "127.0.0.1", 8081))).isFalse();
  }

  @Test
  @DisplayName("IPv6 literals match with and without brackets")
  void matchesIpv6Literals() {
    TargetHosts bracketed = TargetHosts.of(List.of("[::1]:8443"));
    TargetHosts bare = TargetHosts.of(List.of("::1"));

    assertThat(bracketed.matches(new HttpHost("https", "::1", 8443))).isTrue();
    assertThat(bracketed.matches(new HttpHost("https", "[::1]", 8443))).isTrue();
    assertThat(bracketed.matches(new HttpHost("https", "::1", 443))).isFalse();
    assertThat(bare.matches(new HttpHost("https", "::1", 1234))).isTrue();
  }

  @Test
  @DisplayName("loopback means localhost, *.localhost, 127.0.0.0/8 and ::1, nothing else")
  void knowsLoopback() {
    assertThat(TargetHosts.isLoopback(new HttpHost("http", "localhost", 80))).isTrue();
    assertThat(TargetHosts.isLoopback(new HttpHost("http", "api.localhost", 80))).isTrue();
    assertThat(TargetHosts.isLoopback(new HttpHost("http", "127.1.2.3", 80))).isTrue();
    assertThat(TargetHosts.isLoopback(new HttpHost("http", "::1", 80))).isTrue();
    assertThat(TargetHosts.isLoopback(new HttpHost("http", "localhost.evil.example", 80))).isFalse();
    assertThat(TargetHosts.isLoopback(new HttpHost("http", "10.0.0.1", 80))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "https://api.ctcfile.com", "api.ctcfile.com/v1", "user@api.ctcfile.com",
      "api.ctcfile.com:", "api.ctcfile.com:0", "api.ctcfile.com:65536", "api.ctcfile.com:http", "[::1", "[::1]8080",
      ":8080", "api ctcfile.com"})
  @DisplayName("the builder refuses what is not a host with an optional port")
  void refusesMalformedHosts(String spec) {
    assertThatThrownBy(() -> CtcBearerAuth.builder(NO_TOKENS).host(spec)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("the builder needs a provider and at least one host")
  void requiresProviderAndHost() {
    assertThatThrownBy(() -> CtcBearerAuth.builder(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> CtcBearerAuth.builder(NO_TOKENS).host(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> CtcBearerAuth.builder(NO_TOKENS).build()).isInstanceOf(IllegalStateException.class);
    assertThat(CtcBearerAuth.builder(NO_TOKENS).host("api.ctcfile.com").host("[::1]:8443").build())
        .hasToString("CtcBearerAuth{hosts=[api.ctcfile.com, [::1]:8443]}");
  }

  // the builder only stores the provider; these tests never ask it for a token
  private static final TokenProvider NO_TOKENS = new TokenProvider() {
    @Override
    public AccessToken token() {
      throw new AssertionError("not asked");
    }

    @Override
    public CompletionStage<AccessToken> tokenAsync() {
      throw new AssertionError("not asked");
    }

    @Override
    public AccessToken renewAfterRejection(AccessToken rejected) {
      throw new AssertionError("not asked");
    }

    @Override
    public CompletionStage<AccessToken> renewAfterRejectionAsync(AccessToken rejected) {
      throw new AssertionError("not asked");
    }

    @Override
    public void close() {}
  };
}
