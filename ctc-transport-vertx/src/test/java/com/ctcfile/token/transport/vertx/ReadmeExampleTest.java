package com.ctcfile.token.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.testkit.FakeCtcServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Vert.x quick start of the README, compiled and run against the fake server. The README quotes
 * the region between the {@code tag::vertx-quickstart[]} and {@code end::vertx-quickstart[]} lines;
 * keep the two identical.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadmeExampleTest {

  @Test
  @DisplayName("the README's Vert.x quick start gets the protected resource with one token fetch")
  void quickStartWorks() {
    try (FakeCtcServer server = FakeCtcServer.builder().build().start()) {
      Vertx vertx = Vertx.vertx();
      // in the README: URI.create("https://coresite.ctcfile.com") and the credentials from configuration
      URI endpoint = server.endpoint();
      String clientId = server.clientId();
      String clientSecret = server.clientSecret();

      // tag::vertx-quickstart[]
      TokenManager tokens = TokenManager.builder()
          .endpoint(endpoint)                            // https://coresite.ctcfile.com
          .clientId(clientId)
          .clientSecret(clientSecret)
          .transport(VertxTransport.create(vertx))       // a WebClient of its own on your Vertx
          .build();

      WebClient ctc = CtcBearerAuth.builder(tokens)
          .host(endpoint.getAuthority())                 // only this host ever gets the token
          .build()
          .install(WebClient.create(vertx));

      // Authorization: Bearer <token>; a 401 from a token renewed elsewhere is healed once
      Future<HttpResponse<Buffer>> reply = ctc.getAbs(endpoint + "/api/protected").send();
      reply.onSuccess(response -> System.out.println("HTTP " + response.statusCode()));

      // on shutdown: ctc.close(); tokens.close();   (tokens closes its transport's WebClient)
      // end::vertx-quickstart[]

      try {
        HttpResponse<Buffer> response = reply.toCompletionStage().toCompletableFuture()
            .get(Duration.ofSeconds(15).toMillis(), TimeUnit.MILLISECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject().getBoolean("ok")).isTrue();
        assertThat(server.accepted()).isEqualTo(1);
        assertThat(server.fetches()).isEqualTo(1);
      } catch (Exception e) {
        throw new AssertionError("the quick start failed: " + e, e);
      } finally {
        ctc.close();
        tokens.close();
        vertx.close().await();
      }
    }
  }
}
