package com.ctcfile.token.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenProvider;
import java.net.Authenticator;
import java.net.CookieManager;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How a {@link CtcBearerHttpClient} is built, and that it stands in for the client it wraps. */
class CtcBearerHttpClientBuilderTest {

  private final TokenProvider provider = new FixedToken();

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", " ", "https://api.ctcfile.com", "api.ctcfile.com/v1", "user@api.ctcfile.com",
      "api.ctcfile.com:0", "api.ctcfile.com:65536", "api.ctcfile.com:http", "[::1"})
  @DisplayName("host(..) refuses what is not a host with an optional port, at once")
  void refusesMalformedHosts(String spec) {
    CtcBearerHttpClient.Builder builder = CtcBearerHttpClient.builder(provider);

    assertThatThrownBy(() -> builder.host(spec)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("a provider, a host and a client are required")
  void requiresProviderHostAndClient() {
    assertThatThrownBy(() -> CtcBearerHttpClient.builder(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> CtcBearerHttpClient.builder(provider).host(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> CtcBearerHttpClient.builder(provider).build(HttpClient.newHttpClient()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("host(");
    assertThatThrownBy(() -> CtcBearerHttpClient.builder(provider).host("api.ctcfile.com").build(null))
        .isInstanceOf(NullPointerException.class);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = HttpClient.Redirect.class, names = {"NORMAL", "ALWAYS"})
  @DisplayName("build(client) refuses a client that follows redirects: the JDK would copy the token onto another host's request")
  void refusesARedirectFollowingClient(HttpClient.Redirect policy) {
    HttpClient following = HttpClient.newBuilder().followRedirects(policy).build();

    assertThatThrownBy(() -> CtcBearerHttpClient.builder(provider).host("api.ctcfile.com").build(following))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("follows redirects (" + policy + ")")
        .hasMessageContaining("Redirect.NEVER");
  }

  @Test
  @DisplayName("every getter is the wrapped client's, and the builder can build for several clients")
  void delegatesEveryGetter() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      CookieManager cookies = new CookieManager();
      ProxySelector proxy = ProxySelector.of(InetSocketAddress.createUnresolved("proxy.example", 3128));
      Authenticator authenticator = new Authenticator() {};
      SSLContext tls = SSLContext.getInstance("TLSv1.3");
      tls.init(null, null, null);
      HttpClient wrapped = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(3))
          .proxy(proxy).authenticator(authenticator).sslContext(tls).version(HttpClient.Version.HTTP_1_1)
          .executor(executor).build();
      CtcBearerHttpClient.Builder builder = CtcBearerHttpClient.builder(provider).host("api.ctcfile.com");

      CtcBearerHttpClient client = builder.build(wrapped);

      assertThat(client.cookieHandler()).containsSame(cookies);
      assertThat(client.connectTimeout()).contains(Duration.ofSeconds(3));
      assertThat(client.followRedirects()).isEqualTo(HttpClient.Redirect.NEVER);
      assertThat(client.proxy()).containsSame(proxy);
      assertThat(client.authenticator()).containsSame(authenticator);
      assertThat(client.sslContext()).isSameAs(tls);
      assertThat(client.sslParameters().getProtocols()).isEqualTo(wrapped.sslParameters().getProtocols());
      assertThat(client.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(client.executor()).containsSame(executor);
      assertThat(client.wrapped()).isSameAs(wrapped);
      assertThat(client.newWebSocketBuilder()).isNotNull();
      assertThat(builder.build(HttpClient.newHttpClient()).wrapped()).isNotSameAs(wrapped);
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  @DisplayName("toString names the hosts and the wrapped client")
  void describesItself() {
    CtcBearerHttpClient client = CtcBearerHttpClient.builder(provider)
        .host("API.ctcfile.com").host("127.0.0.1:8080").allowInsecureHttp(true).build(HttpClient.newHttpClient());

    assertThat(client.toString()).contains("api.ctcfile.com", "127.0.0.1:8080", "insecure http allowed", "client=");
  }

  /** A provider that is never asked here. */
  private static final class FixedToken implements TokenProvider {
    private final AccessToken token = new AccessToken("abc", "Bearer", Instant.now().plusSeconds(3600), 1);

    @Override
    public AccessToken token() {
      return token;
    }

    @Override
    public CompletionStage<AccessToken> tokenAsync() {
      return CompletableFuture.completedFuture(token);
    }

    @Override
    public AccessToken renewAfterRejection(AccessToken rejected) {
      return token;
    }

    @Override
    public CompletionStage<AccessToken> renewAfterRejectionAsync(AccessToken rejected) {
      return CompletableFuture.completedFuture(token);
    }

    @Override
    public void close() {}
  }
}
