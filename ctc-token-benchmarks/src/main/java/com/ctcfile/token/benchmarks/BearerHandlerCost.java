package com.ctcfile.token.benchmarks;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.transport.httpclient5.CtcBearerAuth;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.classic.ExecRuntime;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the HttpClient 5 classic integration costs per request by itself, without a network: its
 * exec chain element handing a fresh request to a chain that answers at once (200 if the token is
 * on the request, 401 if not), against setting the same header by hand before the same chain. The difference is the CPU time {@link CtcBearerAuth} adds to every
 * request, which {@link BearerOverhead} cannot resolve below its noise.
 *
 * <p>{@code scheme=https} is what production runs. {@code scheme=http} is the loopback setting of
 * the end-to-end benchmarks, where the integration also checks that the plain-http target is a
 * loopback host before it sends the token.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BearerHandlerCost {

  @Param({"https", "http"})
  public String scheme;

  TokenManager tokens;
  private ExecChainHandler handler;
  private ExecChain.Scope scope;
  private String authorization;
  private URI uri;
  private final ClassicHttpResponse ok = new BasicClassicHttpResponse(200);
  private final ClassicHttpResponse unauthorized = new BasicClassicHttpResponse(401);
  // answers at once, 200 only if the request carries the token, so a benchmark that lost it would show
  private final ExecChain server = (request, scope) -> {
    Header header = request.getFirstHeader(HttpHeaders.AUTHORIZATION);
    return header != null && authorization.equals(header.getValue()) ? ok : unauthorized;
  };

  @Setup(Level.Trial)
  public void setUp() {
    tokens = TokenManager.builder()
        .endpoint(URI.create("http://127.0.0.1:1"))
        .clientId("ctc-client")
        .clientSecret("ctc-secret")
        .transport(CannedTransport.immediate(HotPathBenchmarks.EXPIRES_IN_SECONDS))
        .build();
    authorization = tokens.token().authorizationHeaderValue();
    String host = scheme.equals("https") ? "api.ctcfile.com" : "127.0.0.1";
    handler = CtcBearerAuth.builder(tokens).host(host).build().classic();
    uri = URI.create(scheme + "://" + host + "/api/protected");
    HttpHost target = new HttpHost(scheme, host, scheme.equals("https") ? 443 : 80);
    ClassicHttpRequest original = new BasicClassicHttpRequest("GET", uri);
    scope = new ExecChain.Scope("ex-1", new HttpRoute(target), original, unusedRuntime(), HttpClientContext.create());
  }

  // the scope requires a runtime; the integration never touches it, and the stub chain needs none
  private static ExecRuntime unusedRuntime() {
    return (ExecRuntime) Proxy.newProxyInstance(ExecRuntime.class.getClassLoader(), new Class<?>[] {ExecRuntime.class},
        (proxy, method, args) -> {
          throw new UnsupportedOperationException("ExecRuntime." + method.getName() + " is not available in this benchmark");
        });
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    tokens.close();
  }

  @Benchmark
  public ClassicHttpResponse staticHeader() throws IOException, HttpException {
    ClassicHttpRequest request = new BasicClassicHttpRequest("GET", uri);
    request.setHeader(HttpHeaders.AUTHORIZATION, authorization);
    return server.proceed(request, scope);
  }

  @Benchmark
  public ClassicHttpResponse ctcBearerAuth() throws IOException, HttpException {
    return handler.execute(new BasicClassicHttpRequest("GET", uri), scope, server);
  }
}
