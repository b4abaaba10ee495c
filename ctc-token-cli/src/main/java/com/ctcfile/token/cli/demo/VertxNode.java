package com.ctcfile.token.cli.demo;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenStatus;
import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import com.ctcfile.token.transport.vertx.CtcBearerAuth;
import com.ctcfile.token.transport.vertx.VertxTransport;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.TimeUnit;

/**
 * The Vert.x service: a {@link WebClient} with {@link CtcBearerAuth} installed, its calls chained on
 * the event loop (the next one starts when the previous one has ended), nothing blocking anywhere.
 */
final class VertxNode implements DemoNode {

  private final NodeSetup setup;
  private final NodeStats stats = new NodeStats("vertx", "Vert.x WebClient + CtcBearerAuth");
  private final Vertx vertx;
  private final TokenManager tokens;
  private final WebClient client;

  VertxNode(NodeSetup setup) {
    this.setup = setup;
    this.vertx = Vertx.vertx();
    this.tokens = TokenManager.builder()
        .endpoint(setup.endpoint())
        .clientId(setup.clientId())
        .clientSecret(setup.clientSecret())
        .refreshAhead(setup.refreshAhead())
        .transport(VertxTransport.create(vertx))
        .store(JdbcTokenStore.builder(setup.dataSource()).tableName(setup.table()).createTableIfMissing(true).build())
        .listener(stats.listener())
        .nodeId("demo-vertx")
        .build();
    this.client = CtcBearerAuth.builder(new CountingTokenProvider(tokens, stats))
        .host(setup.apiHost())
        .build()
        .install(WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(setup.callers())));
  }

  @Override
  public NodeStats stats() {
    return stats;
  }

  @Override
  public TokenStatus status() {
    return tokens.status();
  }

  @Override
  public void start(Callers callers, int count) {
    for (int i = 0; i < count; i++) {
      vertx.runOnContext(ignored -> callUntilStopped(callers));
    }
  }

  private void callUntilStopped(Callers callers) {
    if (!callers.running()) {
      callers.finished();
      return;
    }
    client.getAbs(setup.protectedUri().toString()).send().onComplete(result -> {
      record(result);
      long pause = callers.pause().toMillis();
      if (pause > 0) {
        vertx.setTimer(pause, id -> callUntilStopped(callers));
      } else {
        vertx.runOnContext(ignored -> callUntilStopped(callers));
      }
    });
  }

  private void record(AsyncResult<HttpResponse<Buffer>> result) {
    if (result.failed()) {
      Throwable failure = result.cause();
      stats.callFailed(0, failure.getClass().getSimpleName() + ": " + failure.getMessage());
    } else if (result.result().statusCode() == 200) {
      stats.callSucceeded();
    } else {
      int status = result.result().statusCode();
      stats.callFailed(status, "HTTP " + status);
    }
    tokens.tokenAsync().thenAccept(token -> stats.saw(token.version()));
  }

  @Override
  public void close() {
    client.close();
    tokens.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the demo is ending; a Vert.x that does not stop in time goes with the JVM
    }
  }
}
