package com.ctcfile.token.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.TokenProtocolException;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import com.ctcfile.token.core.wire.TokenRequestUri;
import com.ctcfile.token.testkit.TransportContractTest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The transport contract for both ways of making a {@link JdkHttpClientTransport} (this class: a
 * client of its own; {@link OnTheCallersClient}: a client the caller made with the JDK's defaults),
 * and what is particular to this transport: which clients it refuses, who shuts what down, and that
 * a cancelled stage closes its connection.
 */
class JdkHttpClientTransportTest extends TransportContractTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  // the JDK's defaults, shared as an application would share its client
  private static final HttpClient CALLERS_CLIENT = HttpClient.newHttpClient();

  @Override
  protected Transport createTransport() {
    return JdkHttpClientTransport.create();
  }

  /** The whole contract again, sending through a client the caller made with {@code HttpClient.newHttpClient()}. */
  @Nested
  @DisplayName("on the caller's client")
  class OnTheCallersClient extends TransportContractTest {

    @Override
    protected Transport createTransport() {
      return JdkHttpClientTransport.create(CALLERS_CLIENT);
    }
  }

  // ---- the caller's client

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = HttpClient.Redirect.class, names = {"NORMAL", "ALWAYS"})
  @DisplayName("create(client) refuses a client that follows redirects, with IllegalArgumentException")
  void refusesARedirectFollowingClient(HttpClient.Redirect policy) {
    HttpClient following = HttpClient.newBuilder().followRedirects(policy).build();

    assertThatThrownBy(() -> JdkHttpClientTransport.create(following))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("follows redirects (" + policy + ")")
        .hasMessageContaining("Redirect.NEVER");
  }

  @Test
  @DisplayName("close() never shuts down the caller's client, nor does closing the TokenManager that owns the transport")
  void neverClosesTheCallersClient() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    JdkHttpClientTransport transport = JdkHttpClientTransport.create(client);
    try (TokenManager tokens = TokenManager.builder().endpoint(server().endpoint())
        .clientId(CLIENT_ID).clientSecret(CLIENT_SECRET).transport(transport).build()) {
      tokens.token();
    }
    transport.close();

    HttpResponse<String> response = client.send(HttpRequest.newBuilder(server().protectedUri()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("the caller's client still works").isEqualTo(401);
  }

  @Test
  @DisplayName("create(bearerClient) sends the token request through the wrapped client, without a bearer token")
  void unwrapsACtcBearerHttpClient() throws Exception {
    // the bearer client is configured for the token endpoint's own host: a careless transport would
    // ask the manager for a token while fetching that token
    try (TokenManager late = TokenManager.builder().endpoint(server().endpoint())
        .clientId(CLIENT_ID).clientSecret(CLIENT_SECRET).transport(JdkHttpClientTransport.create()).build()) {
      CtcBearerHttpClient bearer = CtcBearerHttpClient.builder(late)
          .host(server().endpoint().getAuthority()).build(HttpClient.newHttpClient());

      try (JdkHttpClientTransport transport = JdkHttpClientTransport.create(bearer)) {
        assertThat(sendAndAwait(transport, request(tokenRequestUri())).statusCode()).isEqualTo(200);
      }
      assertThat(server().lastTokenRequestHeader("Authorization")).isEmpty();
      assertThat(server().fetches()).as("no token fetched for the token request itself").isEqualTo(1);
    }
  }

  // ---- the transport's own client

  @Test
  @DisplayName("close() of a transport with a client of its own ends its threads and, once collected, the JDK client's selector thread")
  void closeEndsTheOwnClientsThreads() throws Exception {
    Set<String> selectorsBefore = threadsNamed("HttpClient-");
    JdkHttpClientTransport transport = JdkHttpClientTransport.create();
    String prefix = transport.threadNamePrefix();
    assertThat(prefix).startsWith("ctc-token-jdk-");
    sendAndAwait(transport, request(tokenRequestUri()));
    assertThat(threadsNamed(prefix)).as("threads of the running client").isNotEmpty();
    Set<String> selector = threadsNamed("HttpClient-");
    selector.removeAll(selectorsBefore);
    assertThat(selector).as("the JDK client's own selector thread").singleElement().asString().endsWith("-SelectorManager");

    transport.close();

    await().atMost(WAIT).untilAsserted(() -> assertThat(threadsNamed(prefix)).isEmpty());
    // Java 17 has no HttpClient.close(): its selector thread ends once the client is unreachable
    await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      System.gc();
      assertThat(threadsNamed("HttpClient-")).doesNotContainAnyElementsOf(selector);
    });
  }

  @Test
  @DisplayName("the builder's connect timeout applies to the own client, and a connect that timed out counts as not sent")
  void appliesTheConnectTimeout() throws Exception {
    // a listening socket whose accept queue is full: Linux drops further SYNs, so connecting can only time out
    List<Socket> queued = new ArrayList<>();
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        JdkHttpClientTransport transport = JdkHttpClientTransport.builder().connectTimeout(Duration.ofMillis(200)).build()) {
      fillAcceptQueue(full, queued);
      URI unanswered = TokenRequestUri.of(URI.create("http://127.0.0.1:" + full.getLocalPort()), CLIENT_ID, CLIENT_SECRET);

      Throwable failure = failureOf(transport, new TransportRequest(unanswered, Duration.ofMinutes(5), 1024));

      assertThat(failure).isInstanceOfSatisfying(TokenTransportException.class,
          e -> assertThat(e.outcomeUnknown()).as("a connect that timed out sent nothing").isFalse());
      assertThat(failure).hasCauseInstanceOf(HttpConnectTimeoutException.class);
      assertNoSecretIn(failure);
    } finally {
      for (Socket socket : queued) {
        socket.close();
      }
    }
  }

  @Test
  @DisplayName("the builder refuses zero, negative and missing timeouts, and create(null)")
  void validatesTheBuilder() {
    assertThatThrownBy(() -> JdkHttpClientTransport.builder().connectTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> JdkHttpClientTransport.builder().connectTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> JdkHttpClientTransport.builder().connectTimeout(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> JdkHttpClientTransport.create(null)).isInstanceOf(NullPointerException.class);
  }

  // ---- cancel, close

  /** Where the exchange is when core cancels it. */
  enum Phase { WAITING_FOR_HEADERS, READING_THE_BODY }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Phase.class)
  @DisplayName("cancelling the stage, as core does at its deadline or on close, closes the connection")
  void cancelClosesTheConnection(Phase phase) throws Exception {
    try (HoldingServer holding = phase == Phase.WAITING_FOR_HEADERS ? HoldingServer.withoutReply()
            : HoldingServer.withStalledBody();
        JdkHttpClientTransport transport = JdkHttpClientTransport.create()) {
      URI uri = TokenRequestUri.of(holding.uri(""), CLIENT_ID, CLIENT_SECRET);
      CompletableFuture<TransportResponse> reply =
          transport.send(new TransportRequest(uri, Duration.ofMinutes(5), 1024)).toCompletableFuture();
      String head = holding.requestHead().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(head).startsWith("GET /oauth/accesstoken?");
      assertThat(holding.closedByClient()).as("the connection before the cancel").isNotDone();

      reply.cancel(true);

      holding.closedByClient().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Test
  @DisplayName("close() fails a send still waiting for its reply at once, with TokenTransportException, and drops its connection")
  void closeFailsPendingSends() throws Exception {
    for (JdkHttpClientTransport transport : List.of(JdkHttpClientTransport.create(),
        JdkHttpClientTransport.create(HttpClient.newHttpClient()))) {
      try (HoldingServer holding = HoldingServer.withoutReply()) {
        URI uri = TokenRequestUri.of(holding.uri(""), CLIENT_ID, CLIENT_SECRET);
        CompletableFuture<TransportResponse> reply =
            transport.send(new TransportRequest(uri, Duration.ofMinutes(5), 1024)).toCompletableFuture();
        holding.requestHead().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        transport.close();

        Throwable failure = failureOf(reply);
        assertThat(failure).isInstanceOfSatisfying(TokenTransportException.class,
            e -> assertThat(e.outcomeUnknown()).as("the request was sent").isTrue());
        assertThat(failure).hasMessageContaining("closed");
        assertNoSecretIn(failure);
        holding.closedByClient().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } finally {
        transport.close();
      }
    }
  }

  @Test
  @DisplayName("a send after close() fails with TokenTransportException saying it was not sent, for both kinds of transport")
  void refusesSendsAfterClose() {
    for (JdkHttpClientTransport transport : List.of(JdkHttpClientTransport.create(),
        JdkHttpClientTransport.create(HttpClient.newHttpClient()))) {
      transport.close();

      Throwable failure = failureOf(transport, request(tokenRequestUri()));

      assertThat(failure).isInstanceOfSatisfying(TokenTransportException.class,
          e -> assertThat(e.outcomeUnknown()).isFalse());
      assertThat(failure).hasMessageContaining("not sent").hasMessageContaining("closed");
      assertNoSecretIn(failure);
    }
  }

  @Test
  @DisplayName("sends with HTTP/1.1 through a caller's client that prefers HTTP/2, so that a cancel drops the connection")
  void sendsHttp11() throws Exception {
    try (HoldingServer holding = HoldingServer.withoutReply();
        JdkHttpClientTransport transport = JdkHttpClientTransport.create(
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build())) {
      URI uri = TokenRequestUri.of(holding.uri(""), CLIENT_ID, CLIENT_SECRET);
      transport.send(new TransportRequest(uri, Duration.ofMinutes(5), 1024));

      String head = holding.requestHead().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

      assertThat(head.lines().findFirst().orElseThrow()).endsWith(" HTTP/1.1");
      assertThat(head.toLowerCase(java.util.Locale.ROOT)).doesNotContain("upgrade");
    }
  }

  @Test
  @DisplayName("a reply announcing a longer Content-Length than the limit is refused before a byte of its body arrives, and its connection dropped")
  void refusesALongContentLengthUnread() throws Exception {
    try (HoldingServer holding = HoldingServer.withHeadOnly(1001);
        JdkHttpClientTransport transport = JdkHttpClientTransport.create()) {
      URI uri = TokenRequestUri.of(holding.uri(""), CLIENT_ID, CLIENT_SECRET);

      // the body never comes: only a transport that judges the head alone fails before the timeout
      Throwable failure = failureOf(transport, new TransportRequest(uri, Duration.ofMinutes(5), 1000));

      assertThat(failure).isInstanceOf(TokenProtocolException.class).hasMessageContaining("exceeds 1000 bytes");
      assertNoSecretIn(failure);
      holding.closedByClient().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  // ---- helpers

  private static TransportRequest request(URI uri) {
    return new TransportRequest(uri, Duration.ofSeconds(10), TransportRequest.DEFAULT_MAX_BODY_BYTES);
  }

  private static void fillAcceptQueue(ServerSocket server, List<Socket> queued) throws Exception {
    for (int i = 0; i < 16; i++) {
      Socket socket = new Socket();
      try {
        socket.connect(server.getLocalSocketAddress(), 300);
        queued.add(socket);
      } catch (SocketTimeoutException full) {
        socket.close();
        return;
      }
    }
    throw new AssertionError("the accept queue of a backlog-1 socket did not fill up");
  }

  private static Set<String> threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith(prefix))
        .collect(Collectors.toSet());
  }
}
