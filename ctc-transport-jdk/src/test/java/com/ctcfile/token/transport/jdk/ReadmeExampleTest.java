package com.ctcfile.token.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.testkit.FakeCtcServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's java.net.http example, compiled and run against {@link FakeCtcServer}. The region
 * between the tag comments is what the README shows; a test in the architecture-tests module fails
 * if the two drift apart.
 */
class ReadmeExampleTest {

  private final FakeCtcServer server = FakeCtcServer.builder().build().start();
  // in production: https://coresite.ctcfile.com, and the API host your calls go to
  private final URI endpoint = server.endpoint();
  private final String apiHost = server.endpoint().getAuthority();
  private final URI someApiUrl = server.protectedUri();
  private final String clientId = server.clientId();
  private final String clientSecret = server.clientSecret();

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void quickStart() throws Exception {
    // tag::jdk-quickstart[]
    TokenManager tokens = TokenManager.builder()
        .endpoint(endpoint)                            // e.g. https://coresite.ctcfile.com
        .clientId(clientId)
        .clientSecret(clientSecret)
        .transport(JdkHttpClientTransport.create())    // a java.net.http client of its own
        .build();                                      // one per clientId, for the whole application

    HttpClient http = CtcBearerHttpClient.builder(tokens)
        .host(apiHost)                                 // only this host ever gets the token
        .build(HttpClient.newHttpClient());            // your client; it must not follow redirects

    HttpResponse<String> reply = http.send(HttpRequest.newBuilder(someApiUrl).build(), BodyHandlers.ofString());
    // Authorization: Bearer <token>; a 401 after someone else's fetch is healed and replayed once
    CompletableFuture<HttpResponse<String>> later =
        http.sendAsync(HttpRequest.newBuilder(someApiUrl).build(), BodyHandlers.ofString());   // never blocks

    // on shutdown: tokens.close();   (it closes its transport's own client)
    // end::jdk-quickstart[]
    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.body()).contains("\"ok\":true");
    assertThat(later.get().statusCode()).isEqualTo(200);

    server.issueTokenOutOfBand();
    assertThat(http.send(HttpRequest.newBuilder(someApiUrl).build(), BodyHandlers.ofString()).statusCode())
        .as("the 401 after another client fetched is healed").isEqualTo(200);
    tokens.close();
    assertThat(server.fetches()).isEqualTo(2);
  }
}
