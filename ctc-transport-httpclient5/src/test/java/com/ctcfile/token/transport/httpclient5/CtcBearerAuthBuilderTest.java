package com.ctcfile.token.transport.httpclient5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenProvider;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which host specs the builder accepts (how they match is BearerHostsTest's business, in core). */
class CtcBearerAuthBuilderTest {

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
