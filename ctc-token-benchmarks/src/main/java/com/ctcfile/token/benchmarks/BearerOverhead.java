package com.ctcfile.token.benchmarks;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.transport.httpclient5.CtcBearerAuth;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicHeader;
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
 * Requests per second through HttpClient 5 clients with {@link CtcBearerAuth} installed, against the
 * same clients carrying the same token as a static default header: the cost of the integration on a
 * real request. Target: at least 0.97 of the static-header throughput.
 *
 * <p>Every request is a GET of a {@link LoopbackApi} resource, which checks the token and answers 200
 * with a tiny body; the body is read to the end so connections are reused. Classic and async clients
 * are built alike, apart from the token. The manager's tokens come from a {@link CannedTransport} and
 * live a week, so no renewal happens during a run. Each method returns the HTTP status; the smoke
 * test checks it is 200.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
// HttpClient and the JDK server take several seconds of requests to reach their compiled speed
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class BearerOverhead {

  LoopbackApi api;
  TokenManager tokens;
  private URI resource;
  private CloseableHttpClient classicBearer;
  private CloseableHttpClient classicStatic;
  private CloseableHttpAsyncClient asyncBearer;
  private CloseableHttpAsyncClient asyncStatic;

  @Setup(Level.Trial)
  public void setUp() {
    tokens = TokenManager.builder()
        .endpoint(URI.create("http://127.0.0.1:1"))
        .clientId("ctc-client")
        .clientSecret("ctc-secret")
        .transport(CannedTransport.immediate(HotPathBenchmarks.EXPIRES_IN_SECONDS))
        .build();
    String authorization = tokens.token().authorizationHeaderValue();
    api = LoopbackApi.start(authorization);
    resource = api.uri();
    CtcBearerAuth auth = CtcBearerAuth.builder(tokens).host(resource.getHost()).build();
    List<BasicHeader> staticHeader = List.of(new BasicHeader(HttpHeaders.AUTHORIZATION, authorization));

    classicBearer = auth.install(HttpClients.custom()).build();
    classicStatic = HttpClients.custom().setDefaultHeaders(staticHeader).build();
    asyncBearer = auth.install(HttpAsyncClients.custom()).build();
    asyncStatic = HttpAsyncClients.custom().setDefaultHeaders(staticHeader).build();
    asyncBearer.start();
    asyncStatic.start();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    classicBearer.close();
    classicStatic.close();
    asyncBearer.close();
    asyncStatic.close();
    tokens.close();
    api.close();
  }

  @Benchmark
  public int classicBearer() throws IOException {
    return classic(classicBearer);
  }

  @Benchmark
  public int classicStaticHeader() throws IOException {
    return classic(classicStatic);
  }

  @Benchmark
  public int asyncBearer() throws InterruptedException, ExecutionException {
    return async(asyncBearer);
  }

  @Benchmark
  public int asyncStaticHeader() throws InterruptedException, ExecutionException {
    return async(asyncStatic);
  }

  private int classic(CloseableHttpClient client) throws IOException {
    return client.execute(new HttpGet(resource), response -> {
      EntityUtils.consume(response.getEntity());
      return response.getCode();
    });
  }

  private int async(CloseableHttpAsyncClient client) throws InterruptedException, ExecutionException {
    SimpleHttpResponse response = client.execute(SimpleRequestBuilder.get(resource).build(), null).get();
    return response.getCode();
  }
}
