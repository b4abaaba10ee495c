package com.ctcfile.token.benchmarks;

import com.ctcfile.token.core.TokenManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The bearer integrations against a static header, measured side by side <em>at the same time</em>:
 * in each JMH group one thread sends requests through the client with ctc-token's integration and
 * another through the same kind of client with a static header, each to its own {@link LoopbackApi}.
 *
 * <p>Why besides {@link BearerOverhead} and {@link VertxBearerOverhead}: one request at a time over
 * loopback is bound by how fast the other thread wakes up, which on a small shared machine swings by
 * a factor of two from one second to the next with whatever else runs. Run one after the other, the
 * two variants of a pair meet different weather and their ratio is mostly noise. Run together, four
 * busy threads keep both cores busy, both variants share every disturbance, and each gets what its
 * own cost per request allows: the ratio of the two scores within a group is the integration's
 * overhead. JMH reports each group's total and, per method, each variant's requests per second.
 * Targets: classic and async at least 0.97 of static, Vert.x at least 0.95.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class PairedBearerOverhead {

  TokenManager tokens;
  LoopbackApi bearerApi;
  LoopbackApi staticApi;
  private URI bearerUri;
  private URI staticUri;
  private CloseableHttpClient classicBearer;
  private CloseableHttpClient classicStatic;
  private CloseableHttpAsyncClient asyncBearer;
  private CloseableHttpAsyncClient asyncStatic;
  private Vertx vertx;
  private WebClient vertxBearer;
  private WebClient vertxPlain;
  private String authorization;

  @Setup(Level.Trial)
  public void setUp() {
    tokens = TokenManager.builder()
        .endpoint(URI.create("http://127.0.0.1:1"))
        .clientId("ctc-client")
        .clientSecret("ctc-secret")
        .transport(CannedTransport.immediate(HotPathBenchmarks.EXPIRES_IN_SECONDS))
        .build();
    authorization = tokens.token().authorizationHeaderValue();
    bearerApi = LoopbackApi.start(authorization);
    staticApi = LoopbackApi.start(authorization);
    bearerUri = bearerApi.uri();
    staticUri = staticApi.uri();

    com.ctcfile.token.transport.httpclient5.CtcBearerAuth hc5 =
        com.ctcfile.token.transport.httpclient5.CtcBearerAuth.builder(tokens).host(bearerUri.getHost()).build();
    List<BasicHeader> staticHeader = List.of(new BasicHeader("Authorization", authorization));
    classicBearer = hc5.install(HttpClients.custom()).build();
    classicStatic = HttpClients.custom().setDefaultHeaders(staticHeader).build();
    asyncBearer = hc5.install(HttpAsyncClients.custom()).build();
    asyncStatic = HttpAsyncClients.custom().setDefaultHeaders(staticHeader).build();
    asyncBearer.start();
    asyncStatic.start();

    vertx = Vertx.vertx();
    HttpClient http = vertx.createHttpClient();
    vertxPlain = WebClient.wrap(http);
    vertxBearer = com.ctcfile.token.transport.vertx.CtcBearerAuth.builder(tokens).host(bearerUri.getHost()).build()
        .install(WebClient.wrap(http));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    classicBearer.close();
    classicStatic.close();
    asyncBearer.close();
    asyncStatic.close();
    vertx.close().await();
    tokens.close();
    bearerApi.close();
    staticApi.close();
  }

  @Benchmark
  @Group("classic")
  @GroupThreads(1)
  public int classicBearer() throws IOException {
    return classic(classicBearer, bearerUri);
  }

  @Benchmark
  @Group("classic")
  @GroupThreads(1)
  public int classicStaticHeader() throws IOException {
    return classic(classicStatic, staticUri);
  }

  @Benchmark
  @Group("async")
  @GroupThreads(1)
  public int asyncBearer() throws InterruptedException, ExecutionException {
    return asyncBearer.execute(SimpleRequestBuilder.get(bearerUri).build(), null).get().getCode();
  }

  @Benchmark
  @Group("async")
  @GroupThreads(1)
  public int asyncStaticHeader() throws InterruptedException, ExecutionException {
    return asyncStatic.execute(SimpleRequestBuilder.get(staticUri).build(), null).get().getCode();
  }

  @Benchmark
  @Group("vertx")
  @GroupThreads(1)
  public int vertxBearer() {
    return vertxBearer.getAbs(bearerUri.toString()).send().await().statusCode();
  }

  @Benchmark
  @Group("vertx")
  @GroupThreads(1)
  public int vertxStaticHeader() {
    return vertxPlain.getAbs(staticUri.toString()).putHeader(HttpHeaders.AUTHORIZATION.toString(), authorization)
        .send().await().statusCode();
  }

  private static int classic(CloseableHttpClient client, URI uri) throws IOException {
    return client.execute(new HttpGet(uri), response -> {
      EntityUtils.consume(response.getEntity());
      return response.getCode();
    });
  }
}
