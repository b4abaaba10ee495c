package com.ctcfile.token.benchmarks;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.transport.vertx.CtcBearerAuth;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Requests per second through a Vert.x {@link WebClient} with ctc-token's {@link CtcBearerAuth}
 * installed, against a {@code WebClient} on the same {@link HttpClient} that sets the same token as
 * a static header on each request. Target: at least 0.95 of the static-header throughput.
 *
 * <p>Both clients wrap one Vert.x {@code HttpClient}, as {@link CtcBearerAuth}'s documentation
 * suggests for keeping a client without the token, so they share connection pool and event loops.
 * Requests go to a {@link LoopbackApi} that refuses any other token; the benchmark thread waits for
 * each response, so this measures one request at a time. Tokens come from a {@link CannedTransport}
 * and live a week: no renewal happens during a run. Each method returns the HTTP status.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
// Vert.x, Netty and the JDK server take several seconds of requests to reach their compiled speed
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class VertxBearerOverhead {

  LoopbackApi api;
  TokenManager tokens;
  private Vertx vertx;
  private String resource;
  private String authorization;
  private WebClient bearerClient;
  private WebClient plainClient;

  @Setup(Level.Trial)
  public void setUp() {
    tokens = TokenManager.builder()
        .endpoint(URI.create("http://127.0.0.1:1"))
        .clientId("ctc-client")
        .clientSecret("ctc-secret")
        .transport(CannedTransport.immediate(HotPathBenchmarks.EXPIRES_IN_SECONDS))
        .build();
    authorization = tokens.token().authorizationHeaderValue();
    api = LoopbackApi.start(authorization);
    resource = api.uri().toString();
    vertx = Vertx.vertx();
    HttpClient http = vertx.createHttpClient();
    plainClient = WebClient.wrap(http);
    bearerClient = CtcBearerAuth.builder(tokens).host(api.uri().getHost()).build().install(WebClient.wrap(http));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    // closes both clients and their HttpClient
    vertx.close().await();
    tokens.close();
    api.close();
  }

  @Benchmark
  public int bearer() {
    return bearerClient.getAbs(resource).send().await().statusCode();
  }

  @Benchmark
  public int staticHeader() {
    return plainClient.getAbs(resource).putHeader(HttpHeaders.AUTHORIZATION.toString(), authorization)
        .send().await().statusCode();
  }
}
