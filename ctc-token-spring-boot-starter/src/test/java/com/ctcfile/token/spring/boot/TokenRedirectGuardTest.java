package com.ctcfile.token.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.transport.jdk.JdkHttpClientTransport;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * How {@link CtcBearerInterceptor#guardRedirects} follows the redirects of token requests on the JDK
 * factory, beyond the bearer contract's redirect to another host: the method rules, a redirect to
 * another token host, and settings that follow no redirect.
 */
class TokenRedirectGuardTest {

  private FakeCtcServer server;
  private TokenManager tokens;
  private final AtomicReference<String> redirectTo = new AtomicReference<>();
  private RecordingServer api;
  private RecordingServer otherApi;

  @BeforeEach
  void start() throws Exception {
    server = FakeCtcServer.builder().build().start();
    tokens = TokenManager.builder().endpoint(server.endpoint()).clientId(server.clientId())
        .clientSecret(server.clientSecret()).transport(JdkHttpClientTransport.create()).build();
    api = new RecordingServer(seen -> seen.path().startsWith("/moved")
        ? new RecordingServer.Answer(Integer.parseInt(seen.path().substring("/moved/".length())), redirectTo.get())
        : RecordingServer.Answer.ok());
    otherApi = new RecordingServer(seen -> RecordingServer.Answer.ok());
  }

  @AfterEach
  void stop() {
    tokens.close();
    server.close();
    api.close();
    otherApi.close();
  }

  private RestClient client(TokenProvider provider, HttpClientSettings settings, String... hosts) {
    CtcBearerInterceptor.Builder bearer = CtcBearerInterceptor.builder(provider);
    for (String host : hosts) {
      bearer.host(host);
    }
    CtcBearerInterceptor interceptor = bearer.build();
    return RestClient.builder()
        .requestFactory(interceptor.guardRedirects(ClientHttpRequestFactoryBuilder.jdk()).build(settings))
        .requestInterceptor(interceptor)
        .build();
  }

  @Test
  void aPostAnswered303BecomesAGetWithoutBodyAndKeepsTheTokenOnTheSameHost() {
    redirectTo.set(api.uri("/landing").toString());
    RestClient client = client(tokens, HttpClientSettings.defaults(), api.hostAndPort());

    client.post().uri(api.uri("/moved/303")).contentType(MediaType.APPLICATION_JSON).body("{\"a\":1}").retrieve()
        .toBodilessEntity();

    assertThat(api.seen()).hasSize(2);
    RecordingServer.Seen landing = api.seen().get(1);
    assertThat(landing.method()).isEqualTo("GET");
    assertThat(landing.path()).isEqualTo("/landing");
    assertThat(landing.body()).isEmpty();
    assertThat(landing.contentType()).isNull();
    assertThat(landing.authorization()).isEqualTo("Bearer " + server.currentToken().orElseThrow());
  }

  @Test
  void a307KeepsTheMethodAndBody() {
    redirectTo.set(api.uri("/landing").toString());
    RestClient client = client(tokens, HttpClientSettings.defaults(), api.hostAndPort());

    client.post().uri(api.uri("/moved/307")).contentType(MediaType.APPLICATION_JSON).body("{\"a\":1}").retrieve()
        .toBodilessEntity();

    RecordingServer.Seen landing = api.seen().get(1);
    assertThat(landing.method()).isEqualTo("POST");
    assertThat(landing.body()).isEqualTo("{\"a\":1}");
    assertThat(landing.contentType()).isEqualTo("application/json");
  }

  @Test
  void aRedirectToAnotherTokenHostKeepsTheTokenAndOneToAnyOtherHostDropsIt() {
    redirectTo.set(otherApi.uri("/landing").toString());
    RestClient both = client(tokens, HttpClientSettings.defaults(), api.hostAndPort(), otherApi.hostAndPort());
    RestClient one = client(tokens, HttpClientSettings.defaults(), api.hostAndPort());

    both.get().uri(api.uri("/moved/302")).retrieve().toBodilessEntity();
    one.get().uri(api.uri("/moved/302")).retrieve().toBodilessEntity();

    String bearer = "Bearer " + server.currentToken().orElseThrow();
    assertThat(otherApi.seen()).extracting(RecordingServer.Seen::authorization).containsExactly(bearer, "none");
  }

  @Test
  void withRedirectsNotFollowedTheRedirectIsTheCallersAnswer() {
    redirectTo.set(otherApi.uri("/landing").toString());
    RestClient client = client(tokens, HttpClientSettings.defaults().withRedirects(HttpRedirects.DONT_FOLLOW),
        api.hostAndPort());

    int status = client.get().uri(api.uri("/moved/302")).exchange((request, response) -> response.getStatusCode().value());

    assertThat(status).isEqualTo(302);
    assertThat(otherApi.seen()).isEmpty();
  }
}
