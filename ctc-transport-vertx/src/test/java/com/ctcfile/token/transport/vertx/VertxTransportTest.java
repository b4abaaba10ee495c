package com.ctcfile.token.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import com.ctcfile.token.testkit.TransportContractTest;
import com.ctcfile.token.transport.vertx.RecordingServer.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link VertxTransport} passes the testkit's transport contract, with its own and with a caller's
 * WebClient; and closes the WebClient it made, never the caller's, never the {@code Vertx}.
 */
class VertxTransportTest {

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    vertx.close().await();
  }

  @Nested
  class OwnWebClient extends TransportContractTest {
    @Override
    protected Transport createTransport() {
      return VertxTransport.create(vertx);
    }
  }

  @Nested
  class CallersWebClient extends TransportContractTest {
    private final List<WebClient> clients = new ArrayList<>();

    @Override
    protected Transport createTransport() {
      WebClient client = WebClient.create(vertx);
      clients.add(client);
      return VertxTransport.create(client);
    }

    @AfterEach
    void closeClients() {
      clients.forEach(WebClient::close);
    }
  }

  @Nested
  class Ownership {
    private RecordingServer server;

    @AfterEach
    void stopServer() {
      if (server != null) {
        server.close();
      }
    }

    private TransportRequest request() {
      return new TransportRequest(URI.create(server.url("/oauth/accesstoken?clientId=a&clientSecret=b")),
          Duration.ofSeconds(10), TransportRequest.DEFAULT_MAX_BODY_BYTES);
    }

    @Test
    @DisplayName("create(Vertx) closes its own WebClient on close, and its connections with it, but not the Vertx")
    void closesItsOwnClient() throws Exception {
      server = RecordingServer.start(vertx, seen -> Reply.ok("{}"));
      Transport transport = VertxTransport.create(vertx);
      assertThat(sendAndAwait(transport).statusCode()).isEqualTo(200);
      assertThat(server.openConnections()).as("a kept-alive connection").isEqualTo(1);

      transport.close();

      await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
      assertThat(failureOf(transport)).isInstanceOf(TokenTransportException.class).hasMessageContaining("closed");
      CompletableFuture<Long> timer = new CompletableFuture<>();
      vertx.setTimer(1, timer::complete);
      assertThat(timer).as("the Vertx still runs").succeedsWithin(Duration.ofSeconds(10));
    }

    @Test
    @DisplayName("create(WebClient) never closes the caller's client: it keeps its connections and keeps working")
    void leavesTheCallersClientOpen() throws Exception {
      server = RecordingServer.start(vertx, seen -> Reply.ok("{\"mine\":true}"));
      // one connection at most: the caller's next request can only go out on the token request's one
      WebClient client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(1));
      try {
        Transport transport = VertxTransport.create(client);
        assertThat(sendAndAwait(transport).statusCode()).isEqualTo(200);

        transport.close();

        assertThat(failureOf(transport)).isInstanceOf(TokenTransportException.class);
        assertThat(CtcBearerAuthTest.awaitResult(client.getAbs(server.url("/api/mine")).send()).bodyAsString())
            .isEqualTo("{\"mine\":true}");
        assertThat(server.openConnections()).as("the caller's pooled connection, reused").isEqualTo(1);
        assertThat(server.closedConnections()).as("connections of the caller's client that were closed").isZero();
      } finally {
        client.close();
      }
    }

    @Test
    @DisplayName("several transports may share one caller's client")
    void sharesACallersClient() throws Exception {
      server = RecordingServer.start(vertx, seen -> Reply.ok("{}"));
      WebClient client = WebClient.create(vertx);
      try (Transport first = VertxTransport.create(client); Transport second = VertxTransport.create(client)) {
        assertThat(sendAndAwait(first).statusCode()).isEqualTo(200);
        assertThat(sendAndAwait(second).statusCode()).isEqualTo(200);
      } finally {
        client.close();
      }
    }

    @Test
    @DisplayName("cancelled fetches, as core's deadline cancels them, reset their requests: no connection stays open")
    void cancelResetsTheRequest() throws Exception {
      server = RecordingServer.start(vertx, seen -> null);
      int fetches = 10;
      WebClient client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(fetches));
      try (Transport transport = VertxTransport.create(client)) {
        List<CompletableFuture<TransportResponse>> replies = new ArrayList<>();
        for (int i = 0; i < fetches; i++) {
          replies.add(transport.send(request()).toCompletableFuture());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.requests().size() == fetches);

        replies.forEach(reply -> reply.cancel(true));

        await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
        assertThat(server.closedConnections()).isEqualTo(fetches);
      } finally {
        client.close();
      }
    }

    @Test
    @DisplayName("a TokenManager whose fetch timeout passes leaves no connection open")
    void aManagersDeadlineResetsTheRequest() {
      server = RecordingServer.start(vertx, seen -> null);
      try (TokenManager tokens = TokenManager.builder().endpoint(URI.create(server.url("")))
          .clientId("a").clientSecret("b").fetchTimeout(Duration.ofMillis(300))
          .transport(VertxTransport.create(vertx)).build()) {
        assertThatThrownBy(tokens::token).isInstanceOf(TokenTransportException.class);
        assertThat(server.requests()).hasSize(1);

        await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
      }
    }

    private TransportResponse sendAndAwait(Transport transport) throws Exception {
      return transport.send(request()).toCompletableFuture().get(15, TimeUnit.SECONDS);
    }

    private Throwable failureOf(Transport transport) throws Exception {
      try {
        transport.send(request()).toCompletableFuture().get(15, TimeUnit.SECONDS);
        throw new AssertionError("expected the send to fail");
      } catch (ExecutionException e) {
        return e.getCause();
      }
    }
  }
}
