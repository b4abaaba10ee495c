package com.ctcfile.token.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.testkit.FakeCtcServer;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** The README's Quarkus producers, called as CDI would call them, against FakeCtcServer. */
class QuarkusExampleTest {

  @Test
  void theProducersMakeAClientThatCarriesTheToken() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (FakeCtcServer server = FakeCtcServer.builder().build().start()) {
      QuarkusExample producers = new QuarkusExample();
      TokenManager tokens = producers.ctcTokens(vertx, server.endpoint(), server.clientId(), server.clientSecret());
      WebClient api = producers.ctcApi(vertx, tokens, server.endpoint());

      HttpResponse<Buffer> reply = api.getAbs(server.protectedUri().toString()).send()
          .toCompletionStage().toCompletableFuture().get();

      assertThat(reply.statusCode()).isEqualTo(200);
      assertThat(server.fetches()).isEqualTo(1);
      producers.closeApi(api);
      producers.closeTokens(tokens);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
