package com.ctcfile.token.transport.vertx;

import static com.ctcfile.token.transport.vertx.CtcBearerAuthTest.awaitResult;
import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.testkit.FakeCtcServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole Vert.x stack against the strict fake server, calls made from an event loop:
 * {@link TokenManager} fetching through {@link VertxTransport}, and a WebClient with
 * {@link CtcBearerAuth} calling the protected API (the bearer contract's calls come from test
 * threads: {@link VertxBearerContractTest}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EndToEndTest {

  private static Vertx vertx;

  private FakeCtcServer server;
  private TokenManager manager;
  private RecordingProvider tokens;
  private WebClient api;
  private String url;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    vertx.close().await();
  }

  @BeforeEach
  void start() {
    server = FakeCtcServer.builder().build().start();
    manager = TokenManager.builder()
        .endpoint(server.endpoint())
        .clientId(server.clientId()).clientSecret(server.clientSecret())
        .transport(VertxTransport.create(vertx))
        .build();
    tokens = new RecordingProvider(manager);
    api = CtcBearerAuth.builder(tokens).host("127.0.0.1:" + server.port()).build().install(WebClient.create(vertx));
    url = server.protectedUri().toString();
  }

  @AfterEach
  void stop() {
    api.close();
    manager.close();
    server.close();
  }

  @Test
  @DisplayName("32 concurrent calls after an invalidation all succeed, with exactly one renewal")
  void healsConcurrentCallsWithOneRenewal() {
    awaitResult(api.getAbs(url).send());
    server.issueTokenOutOfBand();

    CompletableFuture<List<HttpResponse<Buffer>>> all = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(ignored -> {
      List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        calls.add(api.getAbs(url).send());
      }
      Future.join(calls).onComplete(done -> all.complete(calls.stream()
          .map(call -> call.succeeded() ? call.result() : null).toList()));
    });
    List<HttpResponse<Buffer>> responses = all.orTimeout(30, TimeUnit.SECONDS).join();

    assertThat(responses).hasSize(32).allSatisfy(response -> {
      assertThat(response).as("a call that failed").isNotNull();
      assertThat(response.statusCode()).isEqualTo(200);
    });
    assertThat(server.fetches()).as("the initial fetch and one renewal").isEqualTo(2);
    assertThat(server.accepted()).isEqualTo(33);
  }
}
