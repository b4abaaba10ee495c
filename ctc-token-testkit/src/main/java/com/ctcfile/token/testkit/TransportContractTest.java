package com.ctcfile.token.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenProtocolException;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.BearerFailures;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import com.ctcfile.token.core.wire.TokenRequestUri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract of {@link Transport}, as a JUnit 5 base class that the test of every adapter extends:
 * each point of the port's documentation is a test here, run against a {@link FakeCtcServer} of
 * the test's own on loopback.
 *
 * <pre>{@code
 * class HttpClient5TransportTest extends TransportContractTest {
 *   @Override
 *   protected Transport createTransport() {
 *     return HttpClient5Transport.create();
 *   }
 *   // adapter-specific tests go here, e.g. that create(client) never closes the caller's client
 * }
 * }</pre>
 *
 * <p>What passes: {@code GET} of the URI exactly as given, with {@code Accept: application/json},
 * no redirects followed; every status returned as a response; the body returned byte for byte up to
 * {@link TransportRequest#maxBodyBytes()}, and past it a {@link TokenProtocolException} with the
 * connection dropped; {@link TokenTransportException} for refused connections (outcome known) and
 * dropped ones (outcome unknown), and for sends after {@link Transport#close()} (outcome known); a
 * stage returned at once, which supports {@link CompletionStage#toCompletableFuture()} (core relies
 * on it) and whose cancellation, as core's deadline cancels it, closes the exchange's connection; 20
 * concurrent sends; the client secret in no failure's message or cause chain; an idempotent
 * {@link Transport#close()}; and a {@link TokenManager} working end to end on the transport, its
 * fetch timeout bounding a late reply and a stalled body.
 *
 * <p>Each test gets a new server and a new transport, so the tests may run in parallel. The
 * timeout tests use {@link #shortTimeout()} as the manager's fetch timeout; waits for stages are
 * generous ({@link #completionWait()}) and never timing assertions.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class TransportContractTest {

  /** A clientId with every character a query must encode: {@code & = + % / ?}, space, non-ASCII. */
  protected static final String CLIENT_ID = "contract id&=+%/?ü";
  /** A client secret with the same; its marker {@code s3cr} must never appear in a failure. */
  protected static final String CLIENT_SECRET = "s3cr&t=+%/? é秘密";

  private static final String SECRET_MARKER = "s3cr";
  // past what loopback socket buffers can hold (a few MiB), so a client that kept reading shows up
  private static final int HUGE_BODY = 128 * 1024 * 1024;
  private static final Duration GENEROUS_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration LONG_FAULT = Duration.ofSeconds(30);

  private FakeCtcServer server;
  private Transport transport;

  /**
   * A new transport of the adapter under test, with default settings; the base closes it after
   * each test.
   */
  protected abstract Transport createTransport();

  /** The fetch timeout of the timeout tests: short, so the suite runs in seconds. Default 400 ms. */
  protected Duration shortTimeout() {
    return Duration.ofMillis(400);
  }

  /** The longest wait for a stage to complete; a limit, not an expectation. Default 15 s. */
  protected Duration completionWait() {
    return Duration.ofSeconds(15);
  }

  /** The server of the running test. */
  protected final FakeCtcServer server() {
    return server;
  }

  /** The transport of the running test, made by {@link #createTransport()}. */
  protected final Transport transport() {
    return transport;
  }

  @BeforeEach
  final void startServerAndTransport() {
    server = FakeCtcServer.builder().clientId(CLIENT_ID).clientSecret(CLIENT_SECRET).build().start();
    transport = createTransport();
    assertThat(transport).as("createTransport()").isNotNull();
  }

  // the server first: it fails whatever is still in flight, so no transport waits on it while closing
  @AfterEach
  final void closeServerAndTransport() {
    try {
      server.close();
    } finally {
      if (transport != null) {
        transport.close();
      }
    }
  }

  // ---- what is sent

  @Test
  @DisplayName("sends GET to the URI exactly as given, with Accept: application/json and the encoded query intact")
  void sendsGetToTheUriAsGiven() {
    URI uri = tokenRequestUri();
    assertThat(uri.getRawQuery()).as("the credentials need every kind of encoding")
        .contains("%26", "%3D", "%2B", "%25", "%2F", "%3F", "%20", "%C3%A9", "%C3%BC");

    TransportResponse response = sendAndAwait(request(uri));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(server.lastTokenRequestMethod()).isEqualTo("GET");
    assertThat(server.lastTokenRequestRawTarget()).isEqualTo(uri.getRawPath() + "?" + uri.getRawQuery());
    assertThat(server.lastTokenRequestParams())
        .containsExactlyInAnyOrderEntriesOf(Map.of("clientId", CLIENT_ID, "clientSecret", CLIENT_SECRET));
    assertThat(server.lastTokenRequestHeader("Accept")).hasValueSatisfying(
        accept -> assertThat(accept).contains("application/json"));
    assertThat(server.fetches()).isEqualTo(1);
  }

  @Test
  @DisplayName("follows no redirect: a 3xx reply is the response")
  void followsNoRedirect() {
    server.enqueue(Fault.reply(302, "{}").withHeader("Location", tokenRequestUri().toString()));

    TransportResponse response = sendAndAwait(request(tokenRequestUri()));

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(server.tokenRequests()).isEqualTo(1);
  }

  // ---- what comes back

  @Test
  @DisplayName("returns a success reply's body byte for byte")
  void returnsTheSuccessBody() {
    TransportResponse response = sendAndAwait(request(tokenRequestUri()));

    String token = server.currentToken().orElseThrow();
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{\"token_type\":\"\",\"access_token\":\""
        + token + "\",\"expires_in\":3600,\"refresh_token\":\"\",\"errcode\":\"\",\"errmsg\":\"\"}");
  }

  @Test
  @DisplayName("returns any body bytes unchanged, whatever their content type")
  void returnsArbitraryBytes() {
    byte[] bytes = new byte[10_000];
    new Random(42).nextBytes(bytes);
    server.enqueue(Fault.reply(200, "application/octet-stream", bytes));

    assertThat(sendAndAwait(request(tokenRequestUri())).body()).isEqualTo(bytes);
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {400, 401, 403, 404, 405, 429, 500, 502, 503, 504})
  @DisplayName("returns 4xx and 5xx replies as responses, not exceptions")
  void returnsErrorStatuses(int status) {
    String body = "{\"error\":\"status " + status + "\"}";
    server.enqueue(Fault.reply(status, body));

    TransportResponse response = sendAndAwait(request(tokenRequestUri()));

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(body);
  }

  @Test
  @DisplayName("returns an empty body as zero bytes")
  void returnsAnEmptyBody() {
    server.enqueue(Fault.reply(500, "text/plain", new byte[0]));

    TransportResponse response = sendAndAwait(request(tokenRequestUri()));

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.bodyLength()).isZero();
  }

  // ---- the body limit

  @ParameterizedTest(name = "limit {0}")
  @ValueSource(ints = {TransportRequest.DEFAULT_MAX_BODY_BYTES, 1000})
  @DisplayName("accepts a body of exactly the limit, with a Content-Length")
  void acceptsABodyAtTheLimit(int limit) {
    byte[] bytes = filled(limit);
    server.enqueue(Fault.reply(200, "application/json", bytes));

    assertThat(sendAndAwait(request(tokenRequestUri(), GENEROUS_TIMEOUT, limit)).body()).isEqualTo(bytes);
  }

  @ParameterizedTest(name = "limit {0}")
  @ValueSource(ints = {TransportRequest.DEFAULT_MAX_BODY_BYTES, 1000})
  @DisplayName("accepts a chunked body of exactly the limit")
  void acceptsAChunkedBodyAtTheLimit(int limit) {
    server.enqueue(Fault.hugeBody(limit));

    assertThat(sendAndAwait(request(tokenRequestUri(), GENEROUS_TIMEOUT, limit)).bodyLength()).isEqualTo(limit);
  }

  @ParameterizedTest(name = "limit {0}")
  @ValueSource(ints = {TransportRequest.DEFAULT_MAX_BODY_BYTES, 1000})
  @DisplayName("refuses a body one byte over the limit, with a Content-Length, as TokenProtocolException")
  void refusesABodyOverTheLimit(int limit) {
    server.enqueue(Fault.reply(200, "application/json", filled(limit + 1)));

    Throwable failure = failureOf(request(tokenRequestUri(), GENEROUS_TIMEOUT, limit));

    assertThat(failure).isInstanceOf(TokenProtocolException.class);
    assertNoSecretIn(failure);
  }

  @ParameterizedTest(name = "limit {0}")
  @ValueSource(ints = {TransportRequest.DEFAULT_MAX_BODY_BYTES, 1000})
  @DisplayName("refuses a chunked body one byte over the limit as TokenProtocolException")
  void refusesAChunkedBodyOverTheLimit(int limit) {
    server.enqueue(Fault.hugeBody(limit + 1));

    Throwable failure = failureOf(request(tokenRequestUri(), GENEROUS_TIMEOUT, limit));

    assertThat(failure).isInstanceOf(TokenProtocolException.class);
    assertNoSecretIn(failure);
  }

  @Test
  @DisplayName("stops reading a huge body past the limit and drops the connection")
  void stopsReadingAHugeBody() {
    server.enqueue(Fault.hugeBody(HUGE_BODY));

    Throwable failure = failureOf(request(tokenRequestUri()));

    assertThat(failure).isInstanceOf(TokenProtocolException.class);
    assertNoSecretIn(failure);
    awaitTrue(() -> server.tokenRequestsFinished() == 1,
        "the server to see the client go away: a transport must drop the connection, not just stop reading");
    assertThat(server.lastReplyBytesWritten())
        .as("bytes the server wrote before the client went away")
        .isGreaterThan(TransportRequest.DEFAULT_MAX_BODY_BYTES)
        .isLessThan(HUGE_BODY / 2);
  }

  // ---- failures

  @Test
  @DisplayName("reports a refused connection as TokenTransportException whose outcome is known")
  void reportsARefusedConnection() {
    URI dead = TokenRequestUri.of(URI.create("http://127.0.0.1:" + deadPort()), CLIENT_ID, CLIENT_SECRET);

    Throwable failure = failureOf(request(dead));

    assertThat(failure).isInstanceOfSatisfying(TokenTransportException.class, e -> assertThat(e.outcomeUnknown())
        .as("outcomeUnknown() of a connection that was never made: use TransportRequest.failure").isFalse());
    assertNoSecretIn(failure);
  }

  @Test
  @DisplayName("reports a connection dropped without a reply as TokenTransportException whose outcome is unknown")
  void reportsADroppedConnection() {
    // HTTP lets a client retry an idempotent GET on a dropped connection; the drop must still be reported
    server.enqueue(Fault.dropConnection());
    server.enqueue(Fault.dropConnection());
    server.enqueue(Fault.dropConnection());

    Throwable failure = failureOf(request(tokenRequestUri()));

    assertThat(failure).isInstanceOfSatisfying(TokenTransportException.class, e -> assertThat(e.outcomeUnknown())
        .as("outcomeUnknown() of a request the server read: it may have issued a token").isTrue());
    assertNoSecretIn(failure);
  }

  @Test
  @DisplayName("a send after close() fails with TokenTransportException, outcome known, and sends nothing")
  void refusesASendAfterClose() {
    transport.close();

    Throwable failure = failureOf(request(tokenRequestUri()));

    assertThat(failure).isInstanceOfSatisfying(TokenTransportException.class, e -> assertThat(e.outcomeUnknown())
        .as("outcomeUnknown() of a send that never left: use TransportRequest.notSent").isFalse());
    assertNoSecretIn(failure);
    assertThat(server.tokenRequests()).as("requests that reached the server").isZero();
  }

  @Test
  @DisplayName("a send cancelled while its reply is pending, as core's deadline cancels it, closes its connection")
  void releasesTheConnectionOfACancelledSend() {
    int sends = 4;
    try (SilentServer silent = SilentServer.start()) {
      URI uri = TokenRequestUri.of(silent.endpoint(), CLIENT_ID, CLIENT_SECRET);
      List<CompletableFuture<TransportResponse>> replies = new ArrayList<>();
      for (int i = 0; i < sends; i++) {
        replies.add(transport.send(request(uri)).toCompletableFuture());
      }
      awaitTrue(() -> silent.requests() == sends, "every request to reach the server");

      replies.forEach(reply -> reply.cancel(true));

      awaitTrue(() -> silent.openConnections() == 0,
          "the server to see the connection of every cancelled send close: a transport must abort the exchange");
    }
  }

  // ---- core's deadline, end to end

  @Test
  @DisplayName("a TokenManager on this transport reports a reply later than its fetch timeout as TokenTransportException, outcome unknown")
  void reportsALateReply() {
    server.enqueue(Fault.delay(LONG_FAULT));

    try (TokenManager tokens = manager(CLIENT_SECRET, shortTimeout())) {
      Throwable failure = catchThrowable(tokens::token);

      assertThat(failure).isInstanceOfSatisfying(TokenTransportException.class,
          e -> assertThat(e.outcomeUnknown()).as("outcomeUnknown()").isTrue());
      assertNoSecretIn(failure);
    }
  }

  @Test
  @DisplayName("a TokenManager's fetch timeout bounds the whole exchange: a body stalled past it is a TokenTransportException")
  void reportsAStalledBody() {
    server.enqueue(Fault.stallBody(LONG_FAULT));

    try (TokenManager tokens = manager(CLIENT_SECRET, shortTimeout())) {
      Throwable failure = catchThrowable(tokens::token);

      assertThat(failure).isInstanceOf(TokenTransportException.class);
      assertNoSecretIn(failure);
    }
  }

  // ---- asynchrony and concurrency

  @Test
  @DisplayName("returns the stage without waiting for the reply")
  void returnsWithoutBlocking() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.enqueue(Fault.hold(release));
    ExecutorService caller = Executors.newSingleThreadExecutor();
    CompletableFuture<TransportResponse> reply;
    try {
      // send() from a thread of our own: a send() that waits for the reply must not hang the test
      CompletableFuture<CompletionStage<TransportResponse>> sending =
          CompletableFuture.supplyAsync(() -> transport.send(request(tokenRequestUri())), caller);
      try {
        reply = sending.get(completionWait().toMillis(), TimeUnit.MILLISECONDS).toCompletableFuture();
      } catch (TimeoutException blocked) {
        throw new AssertionError("send() did not return while the server held the reply: it blocks the caller");
      }
      awaitTrue(() -> server.tokenRequests() == 1, "the request to reach the server");
      assertThat(reply).as("the stage while the server holds the reply").isNotDone();
    } finally {
      release.countDown();
      caller.shutdown();
    }
    assertThat(reply.get(completionWait().toMillis(), TimeUnit.MILLISECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("serves 20 concurrent sends")
  void servesConcurrentSends() throws Exception {
    int senders = 20;
    CyclicBarrier start = new CyclicBarrier(senders);
    ExecutorService threads = Executors.newFixedThreadPool(senders);
    try {
      List<CompletableFuture<TransportResponse>> replies = new ArrayList<>();
      for (int i = 0; i < senders; i++) {
        replies.add(CompletableFuture.supplyAsync(() -> {
          awaitBarrier(start);
          return transport.send(request(tokenRequestUri()));
        }, threads).thenCompose(stage -> stage));
      }
      CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0]))
          .handle((done, failed) -> done)
          .get(completionWait().toMillis(), TimeUnit.MILLISECONDS);

      assertThat(replies).allSatisfy(reply -> assertThat(reply).succeedsWithin(Duration.ZERO)
          .satisfies(response -> assertThat(response.statusCode()).isEqualTo(200)));
      Set<String> bodies = replies.stream()
          .map(reply -> new String(reply.join().body(), StandardCharsets.UTF_8))
          .collect(Collectors.toSet());
      assertThat(bodies).as("each reply carries its own token").hasSize(senders);
      assertThat(server.fetches()).isEqualTo(senders);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  @DisplayName("close() is idempotent")
  void closeIsIdempotent() {
    sendAndAwait(request(tokenRequestUri()));

    transport.close();
    transport.close();
  }

  // ---- end to end through core

  @Test
  @DisplayName("a TokenManager on this transport gets the server's current token")
  void worksWithTokenManager() {
    try (TokenManager tokens = manager(CLIENT_SECRET)) {
      AccessToken token;
      try {
        token = tokens.token();
      } catch (CtcTokenException e) {
        throw new AssertionError("the manager got no token through the transport: " + e, e);
      }

      assertThat(token.value()).isEqualTo(server.currentToken().orElseThrow());
      assertThat(token.type()).isEqualTo("Bearer");
      assertThat(server.fetches()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a TokenManager on this transport reports a wrong secret as CtcApiException with errcode and status")
  void reportsAWrongSecretThroughTokenManager() {
    try (TokenManager tokens = manager(SECRET_MARKER + "-wrong")) {
      assertThatThrownBy(tokens::token)
          .isInstanceOfSatisfying(CtcApiException.class, e -> {
            assertThat(e.errcode()).isEqualTo(FakeCtcServer.ERRCODE_INVALID_CREDENTIALS);
            assertThat(e.httpStatus()).isEqualTo(200);
            assertNoSecretIn(e);
          });
      assertThat(server.fetches()).isZero();
    }
  }

  // ---- helpers

  /** The token request URI of the test's server with {@link #CLIENT_ID} and {@link #CLIENT_SECRET}. */
  protected final URI tokenRequestUri() {
    return TokenRequestUri.of(server.endpoint(), CLIENT_ID, CLIENT_SECRET);
  }

  private static TransportRequest request(URI uri) {
    return request(uri, GENEROUS_TIMEOUT, TransportRequest.DEFAULT_MAX_BODY_BYTES);
  }

  private static TransportRequest request(URI uri, Duration timeout, int maxBodyBytes) {
    return new TransportRequest(uri, timeout, maxBodyBytes);
  }

  private TokenManager manager(String secret) {
    return manager(secret, GENEROUS_TIMEOUT);
  }

  private TokenManager manager(String secret, Duration fetchTimeout) {
    return TokenManager.builder()
        .endpoint(server.endpoint())
        .clientId(CLIENT_ID)
        .clientSecret(secret)
        .transport(createTransport())
        .fetchTimeout(fetchTimeout)
        .build();
  }

  private TransportResponse sendAndAwait(TransportRequest request) {
    CompletableFuture<TransportResponse> reply = transport.send(request).toCompletableFuture();
    try {
      return reply.get(completionWait().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("the send failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("the send did not complete within " + completionWait(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private Throwable failureOf(TransportRequest request) {
    CompletableFuture<TransportResponse> reply = transport.send(request).toCompletableFuture();
    try {
      TransportResponse response = reply.get(completionWait().toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected the send to fail, but it completed with " + response);
    } catch (ExecutionException e) {
      return BearerFailures.unwrap(e);
    } catch (TimeoutException e) {
      throw new AssertionError("the send neither failed nor completed within " + completionWait(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Fails if the secret shows in the message or {@code toString()} of {@code failure}, its causes or suppressed ones. */
  protected static void assertNoSecretIn(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Throwable> pending = new ArrayList<>(List.of(failure));
    while (!pending.isEmpty()) {
      Throwable t = pending.remove(pending.size() - 1);
      if (!seen.add(t)) {
        continue;
      }
      assertThat(String.valueOf(t.getMessage()) + " " + t)
          .as("message of %s in the failure chain", t.getClass().getName())
          .doesNotContain(SECRET_MARKER);
      if (t.getCause() != null) {
        pending.add(t.getCause());
      }
      Collections.addAll(pending, t.getSuppressed());
    }
  }

  private void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + completionWait().toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("waited " + completionWait() + " for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  private void awaitBarrier(CyclicBarrier barrier) {
    try {
      barrier.await(completionWait().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("senders did not start together", e);
    }
  }

  private static byte[] filled(int length) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) 'a');
    return bytes;
  }

  // a port that was just free and is closed again: connecting to it is refused
  private static int deadPort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
