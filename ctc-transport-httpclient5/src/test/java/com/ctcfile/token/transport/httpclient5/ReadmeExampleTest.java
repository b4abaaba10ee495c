package com.ctcfile.token.transport.httpclient5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.testkit.Fault;
import com.ctcfile.token.TokenTransportException;
import java.time.Duration;
import java.net.URI;
import java.util.concurrent.Future;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * The README's HttpClient 5 and Spring examples, compiled and run against {@link FakeCtcServer}. The
 * regions between the tag comments are what the README shows; a test in the architecture-tests module
 * fails if the two drift apart.
 */
class ReadmeExampleTest {

  private final FakeCtcServer server = FakeCtcServer.builder().build().start();
  // in production: https://coresite.ctcfile.com, and the API host your calls go to
  private final URI endpoint = server.endpoint();
  private final String apiHost = server.endpoint().getHost();
  private final URI someApiUrl = server.protectedUri();
  private final String clientId = server.clientId();
  private final String clientSecret = server.clientSecret();

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void classicClient() throws Exception {
    // tag::httpclient5-quickstart[]
    TokenManager tokens = TokenManager.builder()
        .endpoint(endpoint)                         // e.g. https://coresite.ctcfile.com
        .clientId(clientId)
        .clientSecret(clientSecret)
        .transport(HttpClient5Transport.create())
        .build();                                   // one per clientId, for the whole application

    CtcBearerAuth bearer = CtcBearerAuth.builder(tokens).host(apiHost).build();
    try (CloseableHttpClient http = bearer.install(HttpClients.custom()).build()) {
      String body = http.execute(new HttpGet(someApiUrl), response -> EntityUtils.toString(response.getEntity()));
      // ... every call to apiHost carries "Authorization: Bearer <token>"; a 401 is healed and replayed once
      // end::httpclient5-quickstart[]
      assertThat(body).contains("\"ok\":true");
    }
    tokens.close();
    assertThat(server.fetches()).isEqualTo(1);
  }

  @Test
  void asyncClient() throws Exception {
    try (TokenManager tokens = TokenManager.builder().endpoint(endpoint).clientId(clientId)
        .clientSecret(clientSecret).transport(HttpClient5Transport.create()).build()) {
      // tag::httpclient5-async[]
      CtcBearerAuth bearer = CtcBearerAuth.builder(tokens).host(apiHost).build();
      try (CloseableHttpAsyncClient http = bearer.install(HttpAsyncClients.custom()).build()) {
        http.start();
        Future<SimpleHttpResponse> call = http.execute(SimpleRequestBuilder.get(someApiUrl).build(), null);
        // end::httpclient5-async[]
        assertThat(call.get().getCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void springRestClientAndRestTemplate() throws Exception {
    try (TokenManager tokens = TokenManager.builder().endpoint(endpoint).clientId(clientId)
        .clientSecret(clientSecret).transport(HttpClient5Transport.create()).build()) {
      // tag::spring-restclient[]
      CloseableHttpClient http = CtcBearerAuth.builder(tokens).host(apiHost).build()
          .install(HttpClients.custom())
          .build();
      HttpComponentsClientHttpRequestFactory requests = new HttpComponentsClientHttpRequestFactory(http);

      RestClient restClient = RestClient.builder().requestFactory(requests).build();
      RestTemplate restTemplate = new RestTemplate(requests);
      // end::spring-restclient[]
      assertThat(restClient.get().uri(someApiUrl).retrieve().body(String.class)).contains("\"ok\":true");
      assertThat(restTemplate.getForObject(someApiUrl, String.class)).contains("\"ok\":true");

      server.issueTokenOutOfBand();
      assertThat(restClient.get().uri(someApiUrl).retrieve().toBodilessEntity().getStatusCode().value())
          .as("the 401 after another client fetched is healed under Spring too").isEqualTo(200);
      http.close();
    }
  }

  @Test
  void fakeCtcServerInYourOwnTests() throws Exception {
    // tag::testkit-usage[]
    try (FakeCtcServer ctc = FakeCtcServer.builder().tokenLifetime(Duration.ofSeconds(2)).build().start();
        TokenManager tokens = TokenManager.builder()
            .endpoint(ctc.endpoint()).clientId(ctc.clientId()).clientSecret(ctc.clientSecret())
            .transport(HttpClient5Transport.create())
            .build()) {
      ctc.enqueue(Fault.reply(503, "{}"));          // the next token request gets a 503
      assertThatThrownBy(tokens::token).isInstanceOf(TokenTransportException.class);

      // ... your code calls ctc.protectedUri() (200 only with the current token), then:
      assertThat(ctc.fetches()).isZero();
      assertThat(ctc.tokenRequests()).isEqualTo(1);
    }
    // end::testkit-usage[]
  }
}
