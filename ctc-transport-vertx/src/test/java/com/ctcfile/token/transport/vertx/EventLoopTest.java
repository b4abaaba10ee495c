package com.ctcfile.token.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.testkit.WatchedProvider;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nothing of the Vert.x integration blocks an event loop: Vert.x's blocked-thread checker runs every
 * 10 ms with a 100 ms limit, the token store takes 300 ms per call (on its own threads, as a JDBC
 * store does), and the API calls are made from an event loop. The first test shows the checker's
 * warnings are seen at all, so that "no warning" means something.
 *
 * <p>Netty 4.2's first pooled buffer in a JVM registers a JFR event type, which takes 100-300 ms on
 * this machine on whatever thread allocates first, an event loop. That is Netty's one-time cost, not
 * ctc-token's (applications that mind can set {@code -Dio.netty.jfr.enabled=false}), so the class
 * warms Netty up once with a plain Vert.x exchange that runs no ctc-token code at all: a block in
 * ctc-token's own cold start would still be seen.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventLoopTest {

  private static final String BLOCKED_THREAD_CHECKER = "io.vertx.core.impl.BlockedThreadChecker";
  private static final Duration STORE_LATENCY = Duration.ofMillis(300);
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      warnings.add(String.valueOf(record.getMessage()));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  // held here: JUL keeps loggers weakly, and a collected logger would come back without the handler
  private final Logger checkerLogger = Logger.getLogger(BLOCKED_THREAD_CHECKER);
  private Vertx vertx;
  private FakeCtcServer server;
  private SlowStore store;
  private TokenManager manager;
  private WatchedProvider tokens;

  @BeforeAll
  static void warmUpNetty() {
    Vertx plain = Vertx.vertx();
    try {
      HttpServer echo = plain.createHttpServer().requestHandler(request -> request.response().end("warm"));
      int port = echo.listen(0, "127.0.0.1").await().actualPort();
      WebClient client = WebClient.create(plain);
      client.get(port, "127.0.0.1", "/").send().await();
      client.close();
    } finally {
      plain.close().await();
    }
  }

  @BeforeEach
  void start() {
    checkerLogger.addHandler(capture);
    vertx = Vertx.vertx(new VertxOptions()
        .setBlockedThreadCheckInterval(10).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        .setMaxEventLoopExecuteTime(100).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    server = FakeCtcServer.builder().build().start();
    store = new SlowStore(STORE_LATENCY);
    manager = TokenManager.builder()
        .endpoint(server.endpoint())
        .clientId(server.clientId()).clientSecret(server.clientSecret())
        .transport(VertxTransport.create(vertx))
        .store(store)
        .build();
    tokens = WatchedProvider.allowingBlocking(manager);
  }

  @AfterEach
  void stop() {
    manager.close();
    server.close();
    vertx.close().await();
    checkerLogger.removeHandler(capture);
  }

  @Test
  @DisplayName("the checker reports an event loop blocked in the blocking token() while the slow store works")
  void theCheckerSeesABlockingCall() {
    CompletableFuture<String> done = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(ignored -> {
      // what the bearer integration must never do: wait for the token on the event loop
      done.complete(manager.token().type());
    });

    assertThat(done).succeedsWithin(WAIT);
    await().atMost(WAIT).until(() -> warnings.stream().anyMatch(w -> w.contains("has been blocked")));
    assertThat(warnings).anySatisfy(w -> assertThat(w).startsWith("Thread vert.x-eventloop-thread-"));
  }

  @Test
  @DisplayName("API calls from an event loop, first token and a 401 renewal included, never block it")
  void neverBlocksTheEventLoop() {
    WebClient api = CtcBearerAuth.builder(tokens).host("127.0.0.1:" + server.port()).build()
        .install(WebClient.create(vertx));
    Context loop = vertx.getOrCreateContext();

    // no token yet: the first calls wait for fetch and store, three store calls of 300 ms each
    List<HttpResponse<Buffer>> first = callsFrom(loop, api, 4);
    server.issueTokenOutOfBand();
    // each call gets a 401, the renewal goes through the slow store again, each call is replayed
    List<HttpResponse<Buffer>> healed = callsFrom(loop, api, 4);

    assertThat(first).extracting(HttpResponse::statusCode).containsOnly(200);
    assertThat(healed).extracting(HttpResponse::statusCode).containsOnly(200);
    assertThat(server.fetches()).isEqualTo(2);
    assertThat(server.rejected()).isEqualTo(4);
    assertThat(warnings).as("blocked-thread warnings").isEmpty();

    assertThat(tokens.count("token") + tokens.count("renewAfterRejection")).as("blocking provider calls").isZero();
    assertThat(tokens.calls()).extracting(WatchedProvider.Call::method)
        .contains("tokenAsync", "renewAfterRejectionAsync");
    assertThat(tokens.calls()).extracting(WatchedProvider.Call::thread)
        .allSatisfy(thread -> assertThat(thread).startsWith("vert.x-eventloop-thread-"));

    assertThat(store.calls()).extracting(SlowStore.Call::method).contains("read", "tryLease", "publish");
    // TokenManager calls the store from its own thread, whether the renewal began on an event loop or
    // continued on the loop the transport completed on; the store's blocking work runs on its threads
    assertThat(store.calls()).extracting(SlowStore.Call::caller)
        .as("threads the store was called from")
        .allSatisfy(thread -> assertThat(thread).doesNotStartWith("vert.x-eventloop"));
    assertThat(store.calls()).extracting(SlowStore.Call::worker)
        .as("threads the store's blocking work ran on")
        .allSatisfy(thread -> assertThat(thread).doesNotStartWith("vert.x-eventloop"));
  }

  // sends n requests from the event-loop context and waits, off the loop, for all of them
  private List<HttpResponse<Buffer>> callsFrom(Context loop, WebClient api, int n) {
    CompletableFuture<List<HttpResponse<Buffer>>> all = new CompletableFuture<>();
    loop.runOnContext(ignored -> {
      List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        calls.add(api.getAbs(server.protectedUri().toString()).send());
      }
      Future.all(calls).onComplete(done -> {
        if (done.succeeded()) {
          all.complete(calls.stream().map(Future::result).toList());
        } else {
          all.completeExceptionally(done.cause());
        }
      });
    });
    return all.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

}
