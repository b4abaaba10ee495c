package com.ctcfile.token.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.RenewalRateLimitedException;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.testkit.FakeCtcServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What {@link CtcBearerHttpClient} does, written once and run through {@code send}
 * ({@link CtcBearerHttpClientSendTest}) and {@code sendAsync} ({@link CtcBearerHttpClientSendAsyncTest}):
 * against a {@link FakeCtcServer} (token endpoint, and a protected API that accepts only the
 * current token) with a real {@link TokenManager} on {@link JdkHttpClientTransport}, and
 * {@link RecordingServer}s as second hosts that must never see the token, or as an HTTP proxy through
 * which requests reach host names of the tests' own without DNS.
 *
 * <p>Each scenario is a test method of its own, so that the scenarios can move onto a shared
 * bearer integration contract with little change.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class BearerHttpClientBehaviour {

  /** A request body by the way it was published. */
  enum Body { NO_BODY, STRING, BYTE_ARRAY, FILE, INPUT_STREAM }

  /** What the caller got. */
  record Reply(int status, String body) {}

  static final String PAYLOAD = "{\"order\":42}";
  private static final Duration WAIT = Duration.ofSeconds(15);

  protected FakeCtcServer server;
  protected TokenManager tokens;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  @TempDir
  Path temp;

  /**
   * Sends {@code request} through {@code client} the way the test class calls it and waits for the
   * reply body as a string; throws what that caller would catch ({@code send}: what it throws;
   * {@code sendAsync}: the cause of the future's {@code ExecutionException}).
   */
  protected abstract Reply send(CtcBearerHttpClient client, HttpRequest request) throws Exception;

  /** The provider the client is given; the async test wraps it to forbid blocking calls. */
  protected TokenProvider provider(TokenProvider tokens) {
    return tokens;
  }

  @BeforeEach
  void startServerAndTokens() {
    server = FakeCtcServer.builder().build().start();
    tokens = manager(server.clientSecret());
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    tokens.close();
    server.close();
  }

  // ---- which requests get the token

  @Test
  @DisplayName("sets Authorization: Bearer <current token> on a request to a configured host and port")
  void authorizesAConfiguredHostAndPort() throws Exception {
    CtcBearerHttpClient client = ctcClient();

    assertThat(send(client, get(server.protectedUri()))).isEqualTo(new Reply(200, "{\"ok\":true}"));
    assertThat(server.accepted()).isEqualTo(1);
    assertThat(server.fetches()).isEqualTo(1);
  }

  @Test
  @DisplayName("a host configured with a port matches that port only, the scheme's default included")
  void matchesTheConfiguredPortOnly() throws Exception {
    RecordingServer proxy = recordingServer();
    CtcBearerHttpClient client = throughProxy(proxy, bearer().host("api.ctc.test:8443").allowInsecureHttp(true));

    send(client, get(URI.create("http://api.ctc.test:8443/a")));
    send(client, get(URI.create("http://api.ctc.test:9443/b")));
    send(client, get(URI.create("http://api.ctc.test/c")));

    assertThat(proxy.authorizations()).containsExactly(currentAuthorization(), "none", "none");
  }

  @Test
  @DisplayName("a host configured without a port matches every port of it")
  void matchesEveryPortWithoutAConfiguredPort() throws Exception {
    RecordingServer proxy = recordingServer();
    CtcBearerHttpClient client = throughProxy(proxy, bearer().host("api.ctc.test").allowInsecureHttp(true));

    send(client, get(URI.create("http://api.ctc.test/a")));
    send(client, get(URI.create("http://api.ctc.test:8080/b")));

    assertThat(proxy.authorizations()).containsExactly(currentAuthorization(), currentAuthorization());
  }

  @Test
  @DisplayName("compares host names case-insensitively, a trailing root dot on either side ignored")
  void matchesHostNamesIgnoringCaseAndTrailingDot() throws Exception {
    RecordingServer proxy = recordingServer();
    CtcBearerHttpClient client = throughProxy(proxy, bearer().host("API.Ctc.Test.").allowInsecureHttp(true));

    send(client, get(URI.create("http://api.ctc.test/a")));
    send(client, get(URI.create("http://API.CTC.TEST/b")));
    send(client, get(URI.create("http://api.ctc.test./c")));
    send(client, get(URI.create("http://api.ctc.test.example/d")));

    assertThat(proxy.authorizations())
        .containsExactly(currentAuthorization(), currentAuthorization(), currentAuthorization(), "none");
  }

  @Test
  @DisplayName("never sends the token on an absolute URI to another host, nor to another name of the configured machine, and does not even ask for one")
  void neverSendsTheTokenToAnotherHost() throws Exception {
    RecordingServer other = recordingServer();
    CtcBearerHttpClient client = ctcClient();

    assertThat(send(client, get(other.uri("/other"))).status()).isEqualTo(200);
    assertThat(send(client, post(other.uri("/other"), Body.STRING)).status()).isEqualTo(200);
    Reply alias = send(client, get(URI.create("http://localhost:" + server.port() + "/api/protected")));

    assertThat(other.authorizations()).containsExactly("none", "none");
    assertThat(alias.status()).as("localhost is not the configured 127.0.0.1: no token, so 401").isEqualTo(401);
    assertThat(server.fetches()).isZero();
  }

  @Test
  @DisplayName("a request that carries its own Authorization keeps it, and its 401 is not handled")
  void leavesTheCallersOwnAuthorization() throws Exception {
    CtcBearerHttpClient client = ctcClient();

    Reply reply = send(client, HttpRequest.newBuilder(server.protectedUri()).header("Authorization", "Bearer mine").build());

    assertThat(reply.status()).isEqualTo(401);
    assertThat(server.rejected()).isEqualTo(1);
    assertThat(server.fetches()).isZero();
  }

  @Test
  @DisplayName("a redirect from a configured host to another host never carries the token: the 302 reaches the caller")
  void neverCarriesTheTokenThroughARedirect() throws Exception {
    RecordingServer configured = recordingServer();
    RecordingServer elsewhere = recordingServer();
    configured.redirectTo(elsewhere.uri("/landing"));
    CtcBearerHttpClient client = bearer().host("127.0.0.1:" + configured.port()).build(wrappedClient());

    Reply reply = send(client, get(configured.uri("/start")));
    assertThat(reply.status()).isEqualTo(302);
    assertThat(elsewhere.seen()).as("requests the second host got from the client itself").isEmpty();

    // a caller that follows the Location sends a request of its own, judged by its own host
    assertThat(send(client, get(elsewhere.uri("/landing"))).status()).isEqualTo(200);

    assertThat(configured.authorizations()).containsExactly(currentAuthorization());
    assertThat(elsewhere.authorizations()).containsExactly("none");
  }

  @Test
  @DisplayName("refuses to send the token over plain http to a host that is not loopback, and sends nothing")
  void refusesPlainHttpToAHostThatIsNotLoopback() throws Exception {
    RecordingServer proxy = recordingServer();
    CtcBearerHttpClient strict = throughProxy(proxy, bearer().host("api.ctc.test"));

    assertThatThrownBy(() -> send(strict, get(URI.create("http://api.ctc.test/orders"))))
        .isInstanceOf(CtcTokenException.class)
        .hasMessageContaining("http://api.ctc.test")
        .hasMessageContaining("https")
        .hasMessageContaining("allowInsecureHttp");
    assertThat(proxy.seen()).as("requests that left the client").isEmpty();
    assertThat(server.fetches()).as("not even a token was asked for").isZero();
  }

  @Test
  @DisplayName("sends the token over plain http to a host that is not loopback only with allowInsecureHttp(true)")
  void allowsPlainHttpWhenTold() throws Exception {
    RecordingServer proxy = recordingServer();
    CtcBearerHttpClient lenient = throughProxy(proxy, bearer().host("api.ctc.test").allowInsecureHttp(true));

    assertThat(send(lenient, get(URI.create("http://api.ctc.test/orders"))).status()).isEqualTo(200);

    assertThat(proxy.authorizations()).containsExactly(currentAuthorization());
  }

  @Test
  @DisplayName("plain http to loopback carries the token: localhost and 127.0.0.1 never leave the machine")
  void allowsPlainHttpToLoopback() throws Exception {
    CtcBearerHttpClient client = bearer().host("localhost:" + server.port()).build(wrappedClient());

    assertThat(send(client, get(URI.create("http://localhost:" + server.port() + "/api/protected"))).status())
        .isEqualTo(200);
  }

  // ---- 401 handling

  @Test
  @DisplayName("after someone else's fetch, a 401 is healed by one renewal and one replay")
  void healsAnOutOfBandInvalidation() throws Exception {
    CtcBearerHttpClient client = ctcClient();
    assertThat(send(client, get(server.protectedUri())).status()).isEqualTo(200);
    server.issueTokenOutOfBand();

    assertThat(send(client, get(server.protectedUri()))).isEqualTo(new Reply(200, "{\"ok\":true}"));

    assertThat(server.fetches()).as("the first fetch and exactly one renewal").isEqualTo(2);
    assertThat(server.rejected()).isEqualTo(1);
    assertThat(server.accepted()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Body.class, names = {"NO_BODY", "STRING", "BYTE_ARRAY", "FILE"})
  @DisplayName("replays a repeatable request once, with the same method, headers and body and the renewed token")
  void replaysARepeatableRequestOnce(Body body) throws Exception {
    RecordingServer api = recordingServer();
    api.rejectNext(1);
    CtcBearerHttpClient client = bearer().host("127.0.0.1:" + api.port()).build(wrappedClient());

    Reply reply = send(client, HttpRequest.newBuilder(api.uri("/orders"))
        .method("PUT", publisher(body))
        .header(RecordingServer.ORDER_HEADER, "A-17")
        .build());

    assertThat(reply).isEqualTo(new Reply(200, "recorded"));
    String expectedBody = body == Body.NO_BODY ? "" : PAYLOAD;
    assertThat(api.seen()).hasSize(2).allSatisfy(seen -> {
      assertThat(seen.method()).isEqualTo("PUT");
      assertThat(seen.target()).isEqualTo("/orders");
      assertThat(seen.orderId()).isEqualTo("A-17");
      assertThat(seen.body()).isEqualTo(expectedBody);
    });
    List<String> used = api.authorizations();
    assertThat(used.get(0)).startsWith("Bearer ").isNotEqualTo(used.get(1));
    assertThat(used.get(1)).isEqualTo(currentAuthorization());
    assertThat(server.fetches()).isEqualTo(2);
  }

  @Test
  @DisplayName("the discarded 401 of a replayed request never reaches the caller's body handler")
  void hidesTheDiscardedRejectionFromTheCallersHandler() throws Exception {
    CtcBearerHttpClient client = ctcClient();
    send(client, get(server.protectedUri()));
    server.issueTokenOutOfBand();
    List<Integer> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpRequest request = get(server.protectedUri());

    Reply reply = send(client, request, info -> {
      handled.add(info.statusCode());
      return java.net.http.HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
    });

    assertThat(reply.status()).isEqualTo(200);
    assertThat(handled).as("statuses the caller's handler was given").containsExactly(200);
  }

  @Test
  @DisplayName("a second 401, after the replay, reaches the caller as is")
  void passesOnASecondRejection() throws Exception {
    CtcBearerHttpClient client = ctcClient();
    send(client, get(server.protectedUri()));
    server.rejectEveryToken(true);

    Reply reply = send(client, get(server.protectedUri()));

    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.body()).contains("\"errcode\":\"40001\"");
    assertThat(server.rejected()).as("the first attempt and the one replay").isEqualTo(2);
    assertThat(server.fetches()).isEqualTo(2);
  }

  @Test
  @DisplayName("does not replay a body that can be sent only once: its 401 reaches the caller, the renewal happens, the next call works")
  void doesNotReplayAOneShotBody() throws Exception {
    CtcBearerHttpClient client = ctcClient();
    send(client, get(server.protectedUri()));
    server.issueTokenOutOfBand();

    Reply reply = send(client, post(server.protectedUri(), Body.INPUT_STREAM));

    assertThat(reply.status()).isEqualTo(401);
    assertThat(server.rejected()).as("no replay").isEqualTo(1);
    await().atMost(WAIT).untilAsserted(() -> assertThat(server.fetches()).as("renewed all the same").isEqualTo(2));
    assertThat(send(client, get(server.protectedUri())).status()).isEqualTo(200);
    assertThat(server.fetches()).isEqualTo(2);
    assertThat(server.rejected()).isEqualTo(1);
  }

  @Test
  @DisplayName("32 concurrent calls that meet the same 401 cause exactly one renewal, and all succeed")
  void healsConcurrentCallsWithOneRenewal() throws Exception {
    CtcBearerHttpClient client = ctcClient();
    send(client, get(server.protectedUri()));
    server.issueTokenOutOfBand();
    int callers = 32;
    CyclicBarrier start = new CyclicBarrier(callers);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        Callable<Reply> caller = () -> {
          start.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
          return send(client, get(server.protectedUri()));
        };
        replies.add(pool.submit(caller));
      }
      for (Future<Reply> reply : replies) {
        assertThat(reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).status()).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.fetches()).as("the first fetch and exactly one renewal").isEqualTo(2);
    assertThat(server.rejected()).as("calls that met the 401").isBetween(1, callers);
    assertThat(server.accepted()).isEqualTo(1 + callers);
  }

  // ---- failures of the provider

  @Test
  @DisplayName("when no token can be had, the call fails with the provider's exception, typed, and sends nothing")
  void failsWithTheProvidersException() throws Exception {
    try (TokenManager broken = manager("not-the-secret")) {
      CtcBearerHttpClient client = bearer(broken).host(ctcHostAndPort()).build(wrappedClient());

      assertThatThrownBy(() -> send(client, get(server.protectedUri())))
          .isInstanceOfSatisfying(CtcApiException.class,
              e -> assertThat(e.errcode()).isEqualTo(FakeCtcServer.ERRCODE_INVALID_CREDENTIALS));
      assertThat(server.accepted() + server.rejected()).as("requests that reached the API").isZero();
    }
  }

  @Test
  @DisplayName("while rejection-triggered renewals are rate limited, a rejected call fails with RenewalRateLimitedException")
  void reportsARateLimitedRenewal() throws Exception {
    CtcBearerHttpClient client = ctcClient();
    send(client, get(server.protectedUri()));
    server.rejectEveryToken(true);
    assertThat(send(client, get(server.protectedUri())).status()).isEqualTo(401);

    assertThatThrownBy(() -> send(client, get(server.protectedUri())))
        .isInstanceOfSatisfying(RenewalRateLimitedException.class,
            e -> assertThat(e.retryAfter()).isPositive());
    assertThat(server.fetches()).as("no fetch inside the rate limit").isEqualTo(2);
  }

  // ---- helpers

  /** Sends with a body handler of the test's own; the reply body must be a string. */
  protected abstract Reply send(CtcBearerHttpClient client, HttpRequest request,
      java.net.http.HttpResponse.BodyHandler<String> handler) throws Exception;

  /** A JDK client with the JDK's defaults, redirects not followed. */
  protected final HttpClient wrappedClient() {
    return HttpClient.newHttpClient();
  }

  /** A builder taking its tokens from the test's manager, through {@link #provider}. */
  protected final CtcBearerHttpClient.Builder bearer() {
    return bearer(tokens);
  }

  protected final CtcBearerHttpClient.Builder bearer(TokenProvider from) {
    return CtcBearerHttpClient.builder(provider(from));
  }

  /** A client for the fake CTC server's host and port. */
  protected final CtcBearerHttpClient ctcClient() {
    return bearer().host(ctcHostAndPort()).build(wrappedClient());
  }

  /** A client whose every request goes to {@code proxy}, whatever host its URI names. */
  protected final CtcBearerHttpClient throughProxy(RecordingServer proxy, CtcBearerHttpClient.Builder builder) {
    return builder.build(HttpClient.newBuilder().proxy(proxy.asProxy()).build());
  }

  protected final String ctcHostAndPort() {
    return "127.0.0.1:" + server.port();
  }

  protected final RecordingServer recordingServer() {
    RecordingServer recording = RecordingServer.start();
    closeables.add(recording);
    return recording;
  }

  protected final TokenManager manager(String secret) {
    return TokenManager.builder()
        .endpoint(server.endpoint())
        .clientId(server.clientId())
        .clientSecret(secret)
        .transport(JdkHttpClientTransport.create())
        .build();
  }

  protected final String currentAuthorization() {
    return "Bearer " + server.currentToken().orElseThrow();
  }

  protected static HttpRequest get(URI uri) {
    return HttpRequest.newBuilder(uri).build();
  }

  protected final HttpRequest post(URI uri, Body body) throws IOException {
    return HttpRequest.newBuilder(uri).POST(publisher(body)).header("Content-Type", "application/json").build();
  }

  private BodyPublisher publisher(Body body) throws IOException {
    switch (body) {
      case NO_BODY:
        return BodyPublishers.noBody();
      case STRING:
        return BodyPublishers.ofString(PAYLOAD);
      case BYTE_ARRAY:
        return BodyPublishers.ofByteArray(PAYLOAD.getBytes(StandardCharsets.UTF_8));
      case FILE:
        Path file = Files.writeString(temp.resolve("payload.json"), PAYLOAD);
        return BodyPublishers.ofFile(file);
      case INPUT_STREAM:
        return BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(PAYLOAD.getBytes(StandardCharsets.UTF_8)));
      default:
        throw new IllegalArgumentException(body.name());
    }
  }
}
