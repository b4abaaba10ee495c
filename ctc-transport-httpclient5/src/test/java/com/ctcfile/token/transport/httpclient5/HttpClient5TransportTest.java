package com.ctcfile.token.transport.httpclient5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import com.ctcfile.token.testkit.Fault;
import com.ctcfile.token.testkit.TransportContractTest;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The transport contract for both ways of making an {@link HttpClient5Transport} (this class: a
 * client of its own; {@link OnTheCallersClient}: a client the caller made with HttpClient's
 * defaults), and what is particular to each: who starts and who closes the client.
 */
class HttpClient5TransportTest extends TransportContractTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  private final List<CloseableHttpAsyncClient> callersClients = new ArrayList<>();

  @Override
  protected Transport createTransport() {
    return HttpClient5Transport.create();
  }

  @AfterEach
  void closeCallersClients() {
    callersClients.forEach(client -> client.close(CloseMode.IMMEDIATE));
  }

  /**
   * The whole contract again, sending through a client the caller made and did not start, with
   * redirects on as HttpClient has them by default, and automatic retries off as
   * {@link HttpClient5Transport#create(CloseableHttpAsyncClient)} recommends.
   */
  @Nested
  @DisplayName("on the caller's client")
  class OnTheCallersClient extends TransportContractTest {

    @Override
    protected Transport createTransport() {
      CloseableHttpAsyncClient client = HttpAsyncClients.custom().disableAutomaticRetries().build();
      callersClients.add(client);
      return HttpClient5Transport.create(client);
    }
  }

  // ---- the caller's client

  @Test
  @DisplayName("create(client) starts a client that was not started")
  void startsTheCallersClient() throws Exception {
    CloseableHttpAsyncClient client = callersClient();
    assertThat(client.getStatus()).isEqualTo(IOReactorStatus.INACTIVE);

    try (HttpClient5Transport transport = HttpClient5Transport.create(client)) {
      assertThat(send(transport, request()).statusCode()).isEqualTo(200);
      assertThat(client.getStatus()).isEqualTo(IOReactorStatus.ACTIVE);
    }
  }

  @Test
  @DisplayName("create(client) accepts a client that is already started")
  void acceptsAStartedClient() throws Exception {
    CloseableHttpAsyncClient client = callersClient();
    client.start();

    try (HttpClient5Transport transport = HttpClient5Transport.create(client)) {
      assertThat(send(transport, request()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("close() never closes the caller's client, nor does closing the TokenManager that owns the transport")
  void neverClosesTheCallersClient() throws Exception {
    CloseableHttpAsyncClient client = callersClient();
    HttpClient5Transport transport = HttpClient5Transport.create(client);
    try (TokenManager tokens = TokenManager.builder().endpoint(server().endpoint())
        .clientId(CLIENT_ID).clientSecret(CLIENT_SECRET).transport(transport).build()) {
      tokens.token();
    }
    transport.close();

    assertThat(client.getStatus()).isEqualTo(IOReactorStatus.ACTIVE);
    SimpleHttpResponse response = client.execute(SimpleRequestBuilder.get(server().protectedUri()).build(), null)
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(response.getCode()).as("the caller's client still works").isEqualTo(401);
  }

  // ---- the transport's own client

  @Test
  @DisplayName("close() of a transport with a client of its own ends every thread of that client")
  void closeEndsTheOwnClientsThreads() throws Exception {
    HttpClient5Transport transport = HttpClient5Transport.create();
    String prefix = transport.threadNamePrefix();
    assertThat(prefix).contains("httpclient");
    send(transport, request());
    assertThat(threadsNamed(prefix)).as("threads of the running client").isNotEmpty();

    transport.close();

    await().atMost(WAIT).untilAsserted(() -> assertThat(threadsNamed(prefix)).isEmpty());
  }

  @Test
  @DisplayName("the builder's response timeout applies to the own client within a longer request timeout")
  void appliesTheResponseTimeout() {
    server().enqueue(Fault.delay(Duration.ofSeconds(30)));
    try (HttpClient5Transport transport = HttpClient5Transport.builder()
        .responseTimeout(Duration.ofMillis(300)).connectTimeout(Duration.ofSeconds(2)).build()) {
      TransportRequest patient = new TransportRequest(tokenRequestUri(), Duration.ofMinutes(5), 64 * 1024);

      Throwable failure = failureOf(transport, patient);

      assertThat(failure).isInstanceOf(TokenTransportException.class)
          .hasRootCauseInstanceOf(SocketTimeoutException.class);
      assertNoSecretIn(failure);
    }
  }

  @Test
  @DisplayName("the builder refuses zero, negative and missing timeouts")
  void validatesTheBuilder() {
    assertThatThrownBy(() -> HttpClient5Transport.builder().connectTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> HttpClient5Transport.builder().responseTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("responseTimeout");
    assertThatThrownBy(() -> HttpClient5Transport.builder().responseTimeout(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> HttpClient5Transport.create(null)).isInstanceOf(NullPointerException.class);
  }

  // ---- both

  @Test
  @DisplayName("close() fails a send still waiting for its reply at once, with TokenTransportException")
  void closeFailsPendingSends() throws Exception {
    for (HttpClient5Transport transport : List.of(HttpClient5Transport.create(),
        HttpClient5Transport.create(callersClient()))) {
      int before = server().tokenRequests();
      server().enqueue(Fault.delay(Duration.ofSeconds(30)));
      try {
        CompletableFuture<TransportResponse> reply = transport.send(request()).toCompletableFuture();
        await().atMost(WAIT).until(() -> server().tokenRequests() > before);

        transport.close();

        Throwable failure = failureOf(reply);
        assertThat(failure).isInstanceOf(TokenTransportException.class).hasMessageContaining("closed");
        assertNoSecretIn(failure);
      } finally {
        transport.close();
      }
    }
  }

  @Test
  @DisplayName("a send after close() fails with TokenTransportException, for both kinds of transport")
  void refusesSendsAfterClose() {
    for (HttpClient5Transport transport : List.of(HttpClient5Transport.create(),
        HttpClient5Transport.create(callersClient()))) {
      transport.close();

      Throwable failure = failureOf(transport, request());

      assertThat(failure).isInstanceOf(TokenTransportException.class).hasMessageContaining("closed");
      assertNoSecretIn(failure);
    }
  }

  @Test
  @DisplayName("a send through a caller's client that was closed fails with TokenTransportException")
  void reportsAClosedCallersClient() {
    CloseableHttpAsyncClient client = callersClient();
    try (HttpClient5Transport transport = HttpClient5Transport.create(client)) {
      client.close(CloseMode.IMMEDIATE);

      Throwable failure = failureOf(transport, request());

      assertThat(failure).isInstanceOf(TokenTransportException.class);
      assertNoSecretIn(failure);
    }
  }

  // ---- helpers

  private CloseableHttpAsyncClient callersClient() {
    CloseableHttpAsyncClient client = HttpAsyncClients.createDefault();
    callersClients.add(client);
    return client;
  }

  private TransportRequest request() {
    return new TransportRequest(tokenRequestUri(), Duration.ofSeconds(10), TransportRequest.DEFAULT_MAX_BODY_BYTES);
  }

  private static TransportResponse send(Transport transport, TransportRequest request) throws Exception {
    return transport.send(request).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Throwable failureOf(Transport transport, TransportRequest request) {
    return failureOf(transport.send(request).toCompletableFuture());
  }

  private static Throwable failureOf(CompletableFuture<TransportResponse> reply) {
    try {
      TransportResponse response = reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected the send to fail, but it completed with " + response);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("the send did not fail in time", e);
    }
  }

  private static List<String> threadsNamed(String prefix) {
    List<String> names = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.isAlive() && thread.getName().startsWith(prefix)) {
        names.add(thread.getName());
      }
    }
    return names;
  }
}
