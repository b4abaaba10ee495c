package com.ctcfile.token.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What only the Vert.x integration promises, beyond the testkit's bearer contract
 * ({@link VertxBearerContractTest}): install on the very client given and once per client, redirect
 * hops to the same host keeping the token, every Vert.x body kind replayed after a 401, a 401 body
 * never reaching a piping codec, and the transport's own token requests left alone.
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
  @DisplayName("install returns the very client it was given, now carrying the token")
  void installReturnsTheSameClient() {
    WebClient plain = WebClient.create(vertx);
    api = plain;

    WebClient installed = CtcBearerAuth.builder(tokens).host(fakeHost()).build().install(plain);

    assertThat(installed).isSameAs(plain);
    assertThat(awaitResult(plain.getAbs(server.protectedUri().toString()).send()).statusCode()).isEqualTo(200);
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

  static ReadStream<Buffer> streamOf(String text) {
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
}
