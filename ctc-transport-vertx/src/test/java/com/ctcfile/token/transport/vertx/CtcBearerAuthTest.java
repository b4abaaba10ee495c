package com.ctcfile.token.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.transport.vertx.RecordingServer.Reply;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.multipart.MultipartForm;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link CtcBearerAuth} against a strict {@link FakeCtcServer} and {@link RecordingServer}s on
 * loopback: which requests get the token, redirects, the 401 replay and what cannot be replayed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CtcBearerAuthTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  private static Vertx vertx;

  private FakeCtcServer server;
  private TokenManager manager;
  private RecordingProvider tokens;
  private WebClient api;
  private final List<AutoCloseable> closeables = new java.util.ArrayList<>();

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
  }

  @AfterEach
  void stop() throws Exception {
    Collections.reverse(closeables);
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
    if (api != null) {
      api.close();
    }
    manager.close();
    server.close();
  }

  private WebClient install(String... hosts) {
    CtcBearerAuth.Builder builder = CtcBearerAuth.builder(tokens);
    for (String host : hosts) {
      builder.host(host);
    }
    api = builder.build().install(WebClient.create(vertx));
    return api;
  }

  private String fakeHost() {
    return "127.0.0.1:" + server.port();
  }

  private RecordingServer recording(RecordingServer.Behaviour behaviour) {
    RecordingServer recording = RecordingServer.start(vertx, behaviour);
    closeables.add(recording);
    return recording;
  }

  // accepts the fake server's current token only, like the real API
  private RecordingServer.Behaviour acceptsCurrentToken() {
    return seen -> seen.authorization().equals(server.currentToken().map(token -> "Bearer " + token))
        ? Reply.ok("{\"echo\":" + JsonObject.of("body", seen.body()).encode() + "}")
        : Reply.unauthorized();
  }

  // ---- which requests get the token

  @Test
  @DisplayName("sets the bearer on a request to a configured host, from tokenAsync")
  void setsTheBearer() {
    install(fakeHost());

    HttpResponse<Buffer> response = awaitResult(api.getAbs(server.protectedUri().toString()).send());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(server.accepted()).isEqualTo(1);
    assertThat(tokens.count("tokenAsync")).isEqualTo(1);
    assertThat(tokens.count("token")).isZero();
  }

  @Test
  @DisplayName("install returns the very client it was given, now carrying the token")
  void installReturnsTheSameClient() {
    WebClient plain = WebClient.create(vertx);
    api = plain;

    WebClient installed = CtcBearerAuth.builder(tokens).host(fakeHost()).build().install(plain);

    assertThat(installed).isSameAs(plain);
    assertThat(awaitResult(plain.getAbs(server.protectedUri().toString()).send()).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("never sends the token to a host that is not configured, not even on another port of the same address")
  void neverLeaksToAnotherHost() {
    RecordingServer other = recording(seen -> Reply.ok("{}"));
    install(fakeHost());

    awaitResult(api.getAbs(other.url("/anything")).send());
    awaitResult(api.get(other.port(), "127.0.0.1", "/relative").send());

    assertThat(other.requests()).hasSize(2).allSatisfy(seen -> assertThat(seen.authorization()).isEmpty());
    assertThat(tokens.calls()).as("the provider is not even asked").isEmpty();
  }

  @Test
  @DisplayName("a host configured without a port matches every port")
  void hostWithoutPortMatchesAnyPort() {
    RecordingServer first = recording(seen -> Reply.ok("{}"));
    RecordingServer second = recording(seen -> Reply.ok("{}"));
    install("127.0.0.1");

    awaitResult(api.getAbs(first.url("/a")).send());
    awaitResult(api.getAbs(second.url("/b")).send());

    String expected = "Bearer " + server.currentToken().orElseThrow();
    assertThat(first.requests().get(0).authorization()).hasValue(expected);
    assertThat(second.requests().get(0).authorization()).hasValue(expected);
  }

  @Test
  @DisplayName("takes the token off a redirect hop to another host, and keeps it on a hop to the same host")
  void judgesEachRedirectHop() {
    RecordingServer elsewhere = recording(seen -> Reply.ok("{\"landed\":true}"));
    RecordingServer[] self = new RecordingServer[1];
    self[0] = recording(seen -> switch (seen.uri()) {
      case "/away" -> Reply.redirect(elsewhere.url("/landing"));
      case "/around" -> Reply.redirect(self[0].url("/here"));
      default -> Reply.ok("{\"here\":true}");
    });
    RecordingServer configured = self[0];
    install(configured.hostAndPort());

    HttpResponse<Buffer> away = awaitResult(api.getAbs(configured.url("/away")).send());
    HttpResponse<Buffer> around = awaitResult(api.getAbs(configured.url("/around")).send());

    assertThat(away.bodyAsString()).isEqualTo("{\"landed\":true}");
    assertThat(around.bodyAsString()).isEqualTo("{\"here\":true}");
    String bearer = "Bearer " + server.currentToken().orElseThrow();
    assertThat(configured.requests()).extracting(RecordingServer.Seen::uri).containsExactly("/away", "/around", "/here");
    assertThat(configured.requests()).allSatisfy(seen -> assertThat(seen.authorization()).hasValue(bearer));
    assertThat(elsewhere.requests()).singleElement()
        .satisfies(seen -> assertThat(seen.authorization()).as("the hop to another host").isEmpty());
  }

  @Test
  @DisplayName("keeps a request's own Authorization header and does not ask for a token")
  void keepsTheCallersAuthorization() {
    RecordingServer configured = recording(seen -> Reply.ok("{}"));
    install(configured.hostAndPort());

    awaitResult(api.getAbs(configured.url("/mine")).putHeader("Authorization", "Basic dXNlcjpwYXNz").send());

    assertThat(configured.requests().get(0).authorization()).hasValue("Basic dXNlcjpwYXNz");
    assertThat(tokens.calls()).isEmpty();
  }

  @Test
  @DisplayName("never authorizes the token requests of a VertxTransport sending through the same client")
  void leavesTheTransportsTokenRequestsAlone() {
    WebClient shared = install(fakeHost());
    try (TokenManager throughShared = TokenManager.builder()
        .endpoint(server.endpoint())
        .clientId(server.clientId()).clientSecret(server.clientSecret())
        .transport(VertxTransport.create(shared))
        .build()) {
      WebClient second = CtcBearerAuth.builder(throughShared).host(fakeHost()).build()
          .install(WebClient.create(vertx));
      closeables.add(second::close);

      assertThat(awaitResult(second.getAbs(server.protectedUri().toString()).send()).statusCode()).isEqualTo(200);
      assertThat(server.lastTokenRequestHeader("Authorization")).isEmpty();
      assertThat(tokens.calls()).as("the shared client's own provider").isEmpty();
    }
  }

  @Test
  @DisplayName("refuses to send the token over plain http to a configured host that is not loopback")
  void refusesPlainHttpOffLoopback() throws Exception {
    String address = nonLoopbackAddress();
    RecordingServer outside = RecordingServer.start(vertx, "0.0.0.0", seen -> Reply.ok("{}"));
    closeables.add(outside);
    String url = "http://" + address + ":" + outside.port() + "/api";
    install(address);

    Throwable failure = failureOf(api.getAbs(url).send());

    assertThat(failure).isInstanceOf(CtcTokenException.class).hasMessageContaining("plain http");
    assertThat(outside.requests()).isEmpty();

    WebClient insecure = CtcBearerAuth.builder(tokens).host(address).allowInsecureHttp(true).build()
        .install(WebClient.create(vertx));
    closeables.add(insecure::close);
    awaitResult(insecure.getAbs(url).send());
    assertThat(outside.requests()).singleElement().satisfies(seen ->
        assertThat(seen.authorization()).hasValue("Bearer " + server.currentToken().orElseThrow()));
  }

  @Test
  @DisplayName("fails the request with the provider's typed exception when no token can be had")
  void failsWithTheProvidersException() {
    try (TokenManager wrong = TokenManager.builder()
        .endpoint(server.endpoint())
        .clientId(server.clientId()).clientSecret("wrong-secret")
        .transport(VertxTransport.create(vertx))
        .build()) {
      api = CtcBearerAuth.builder(wrong).host(fakeHost()).build().install(WebClient.create(vertx));

      Throwable failure = failureOf(api.getAbs(server.protectedUri().toString()).send());

      assertThat(failure).isInstanceOfSatisfying(CtcApiException.class,
          e -> assertThat(e.errcode()).isEqualTo(FakeCtcServer.ERRCODE_INVALID_CREDENTIALS));
      assertThat(server.accepted() + server.rejected()).as("requests that reached the API").isZero();
    }
  }

  @Test
  @DisplayName("a WebClient takes one CtcBearerAuth; a second install fails")
  void installsOncePerClient() {
    install(fakeHost());
    CtcBearerAuth another = CtcBearerAuth.builder(tokens).host("api.ctcfile.com").build();

    assertThatThrownBy(() -> another.install(api)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already has a CtcBearerAuth");
  }

  // ---- 401

  /** Each way of giving a request a body that can be sent again. */
  enum RepeatableBody {
    NONE(request -> request.send(), ""),
    BUFFER(request -> request.sendBuffer(Buffer.buffer("raw bytes \u00e9")), "raw bytes \u00e9"),
    JSON_OBJECT(request -> request.sendJsonObject(JsonObject.of("a", 1)), "{\"a\":1}"),
    JSON_POJO(request -> request.sendJson(List.of("x", "y")), "[\"x\",\"y\"]"),
    FORM(request -> request.sendForm(MultiMap.caseInsensitiveMultiMap().add("k", "v w")), "k=v+w"),
    MULTIPART(request -> request.sendMultipartForm(MultipartForm.create().attribute("k", "v")), null);

    final Function<HttpRequest<Buffer>, Future<HttpResponse<Buffer>>> send;
    final String sent;

    RepeatableBody(Function<HttpRequest<Buffer>, Future<HttpResponse<Buffer>>> send, String sent) {
      this.send = send;
      this.sent = sent;
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(RepeatableBody.class)
  @DisplayName("after a 401 renews once and replays the request with the same body")
  void replaysOnceAfterA401(RepeatableBody body) {
    RecordingServer apiServer = recording(acceptsCurrentToken());
    install(apiServer.hostAndPort());
    awaitResult(api.getAbs(apiServer.url("/warm-up")).send());
    String stale = server.currentToken().orElseThrow();
    server.issueTokenOutOfBand();

    HttpResponse<Buffer> response = awaitResult(body.send.apply(api.postAbs(apiServer.url("/write"))));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(server.fetches()).as("the initial fetch and one renewal").isEqualTo(2);
    List<RecordingServer.Seen> writes = apiServer.requests().subList(1, apiServer.requests().size());
    assertThat(writes).hasSize(2);
    assertThat(writes.get(0).authorization()).hasValue("Bearer " + stale);
    assertThat(writes.get(1).authorization()).hasValue("Bearer " + server.currentToken().orElseThrow());
    // a multipart body is encoded afresh for the replay, with a new random boundary
    assertThat(withoutBoundary(writes.get(1).body())).isEqualTo(withoutBoundary(writes.get(0).body()));
    if (body == RepeatableBody.MULTIPART) {
      assertThat(writes.get(1).body()).contains("form-data; name=\"k\"").contains("\r\n\r\nv\r\n");
    } else {
      assertThat(writes.get(1).body()).isEqualTo(body.sent);
    }
    assertThat(tokens.count("renewAfterRejectionAsync")).isEqualTo(1);
    assertThat(tokens.count("renewAfterRejection")).isZero();
  }

  @Test
  @DisplayName("returns the 401 of the replay as it is, after exactly one renewal")
  void returnsASecond401AsItIs() {
    RecordingServer rejecting = recording(seen -> Reply.unauthorized());
    install(rejecting.hostAndPort());

    HttpResponse<Buffer> response = awaitResult(api.getAbs(rejecting.url("/never")).send());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsString()).contains("invalid access_token");
    assertThat(rejecting.requests()).hasSize(2);
    assertThat(server.fetches()).isEqualTo(2);
    assertThat(tokens.count("renewAfterRejectionAsync")).isEqualTo(1);
  }

  @Test
  @DisplayName("the 401 body never reaches the caller's BodyCodec: a piped response gets only the replay's body")
  void dropsThe401BodyBeforeTheCodec() {
    RecordingServer apiServer = recording(acceptsCurrentToken());
    install(apiServer.hostAndPort());
    awaitResult(api.getAbs(apiServer.url("/warm-up")).send());
    server.issueTokenOutOfBand();
    CollectingStream sink = new CollectingStream();

    HttpResponse<Void> response = awaitResult(api.getAbs(apiServer.url("/download")).as(BodyCodec.pipe(sink)).send());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(sink.collected()).isEqualTo("{\"echo\":{\"body\":\"\"}}");
    assertThat(sink.endings()).isEqualTo(1);
  }

  @Test
  @DisplayName("does not replay a request whose body was a stream: its 401 is returned, the renewal still runs")
  void doesNotReplayAStream() {
    RecordingServer apiServer = recording(acceptsCurrentToken());
    install(apiServer.hostAndPort());
    awaitResult(api.getAbs(apiServer.url("/warm-up")).send());
    server.issueTokenOutOfBand();

    HttpResponse<Buffer> response = awaitResult(api.postAbs(apiServer.url("/upload"))
        .putHeader("Content-Length", "6")
        .sendStream(streamOf("abcdef")));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(apiServer.requests()).hasSize(2);
    assertThat(apiServer.requests().get(1).body()).isEqualTo("abcdef");
    await().atMost(WAIT).until(() -> server.fetches() == 2);
    assertThat(awaitResult(api.postAbs(apiServer.url("/upload")).sendBuffer(Buffer.buffer("next"))).statusCode())
        .as("the next call carries the renewed token").isEqualTo(200);
    assertThat(server.fetches()).isEqualTo(2);
  }

  // ---- builder

  @Test
  @DisplayName("the builder validates hosts at once and requires one")
  void validatesTheBuilder() {
    CtcBearerAuth.Builder builder = CtcBearerAuth.builder(tokens);
    assertThatThrownBy(() -> builder.host("https://api.ctcfile.com/x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a URL");
    assertThatThrownBy(() -> builder.host("api.ctcfile.com:0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.host("api.ctcfile.com:65536")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.host(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.host("[::1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.host(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> CtcBearerAuth.builder(null)).isInstanceOf(NullPointerException.class);
    assertThat(builder.host("API.ctcfile.com.").host("[::1]:8443").build())
        .hasToString("CtcBearerAuth{hosts=[api.ctcfile.com, [::1]:8443]}");
  }

  // ---- helpers

  private static String withoutBoundary(String body) {
    return body.replaceAll("--[0-9a-zA-Z]{8,}", "--<boundary>");
  }

  static <T> T awaitResult(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("the request failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("the request did not complete within " + WAIT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  static Throwable failureOf(Future<?> future) {
    try {
      Object result = future.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure, got " + result);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("the request neither failed nor completed within " + WAIT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static ReadStream<Buffer> streamOf(String text) {
    return new ReadStream<>() {
      private io.vertx.core.Handler<Buffer> handler;
      private io.vertx.core.Handler<Void> endHandler;
      private boolean sent;

      @Override
      public ReadStream<Buffer> exceptionHandler(io.vertx.core.Handler<Throwable> h) {
        return this;
      }

      @Override
      public ReadStream<Buffer> handler(io.vertx.core.Handler<Buffer> h) {
        this.handler = h;
        return this;
      }

      @Override
      public ReadStream<Buffer> pause() {
        return this;
      }

      @Override
      public ReadStream<Buffer> resume() {
        return fetch(Long.MAX_VALUE);
      }

      @Override
      public ReadStream<Buffer> fetch(long amount) {
        if (!sent && handler != null) {
          sent = true;
          handler.handle(Buffer.buffer(text));
          if (endHandler != null) {
            endHandler.handle(null);
          }
        }
        return this;
      }

      @Override
      public ReadStream<Buffer> endHandler(io.vertx.core.Handler<Void> h) {
        this.endHandler = h;
        return this;
      }
    };
  }

  /** A WriteStream that keeps what it gets, to show what reached a piping BodyCodec. */
  static final class CollectingStream implements WriteStream<Buffer> {
    private final StringBuffer collected = new StringBuffer();
    private final java.util.concurrent.atomic.AtomicInteger endings = new java.util.concurrent.atomic.AtomicInteger();

    String collected() {
      return collected.toString();
    }

    int endings() {
      return endings.get();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(io.vertx.core.Handler<Throwable> handler) {
      return this;
    }

    @Override
    public Future<Void> write(Buffer data) {
      collected.append(data.toString());
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> end() {
      endings.incrementAndGet();
      return Future.succeededFuture();
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(io.vertx.core.Handler<Void> handler) {
      return this;
    }
  }

  private static String nonLoopbackAddress() throws SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
          return address.getHostAddress();
        }
      }
    }
    Assumptions.assumeTrue(false, "this machine has no non-loopback IPv4 address to test plain http against");
    return Optional.<String>empty().orElseThrow();
  }
}
