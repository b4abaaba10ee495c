package com.ctcfile.token.benchmarks;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.core.TokenManager;
import com.google.auth.oauth2.OAuth2Credentials;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import me.chanjar.weixin.common.error.WxErrorException;
import me.chanjar.weixin.mp.api.WxMpService;
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
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import software.amazon.awssdk.utils.cache.CachedSupplier;

/**
 * The cost of asking for a still-valid token: a volatile read as the floor, ctc-token's
 * {@code token()} and {@code tokenAsync()}, and the token caches of four peer libraries
 * ({@link Peers}), each called the way its users call it before every request.
 *
 * <p>All threads share one instance of each cache, as an application does. Every token lives a week,
 * so no call triggers a renewal. {@link HotPath} runs these on one thread, {@link HotPathTwoThreads}
 * on two. The methods return what they read so the JIT cannot drop the call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class HotPathBenchmarks {

  // the longest lifetime the wire rules accept: nothing renews during a run
  static final long EXPIRES_IN_SECONDS = Duration.ofDays(7).getSeconds();
  static final URI GOOGLE_REQUEST_URI = URI.create("https://api.ctcfile.com/");

  // the floor: what any cache costs at least, one volatile read of a reference
  private volatile AccessToken floor;

  CannedTransport transport;
  TokenManager tokens;
  OAuth2Credentials google;
  CachedSupplier<String> aws;
  AuthorizedClientServiceOAuth2AuthorizedClientManager spring;
  WxMpService wxJava;

  @Setup(Level.Trial)
  public void setUp() {
    transport = CannedTransport.immediate(EXPIRES_IN_SECONDS);
    tokens = TokenManager.builder()
        .endpoint(URI.create("http://127.0.0.1:1"))
        .clientId("ctc-client")
        .clientSecret("ctc-secret")
        .transport(transport)
        .build();
    AccessToken first = tokens.token();
    floor = first;
    google = Peers.google(first.value());
    aws = Peers.aws(first.value());
    spring = Peers.spring(first.value());
    wxJava = Peers.wxJava(first.value());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    tokens.close();
    aws.close();
  }

  @Benchmark
  public AccessToken floorVolatileRead() {
    return floor;
  }

  @Benchmark
  public AccessToken ctcToken() {
    return tokens.token();
  }

  @Benchmark
  public CompletionStage<AccessToken> ctcTokenAsync() {
    return tokens.tokenAsync();
  }

  @Benchmark
  public Map<String, List<String>> googleRequestMetadata() throws IOException {
    return google.getRequestMetadata(GOOGLE_REQUEST_URI);
  }

  @Benchmark
  public String awsCachedSupplier() {
    return aws.get();
  }

  @Benchmark
  public String springAuthorize() {
    // built per call, as Spring's own request interceptors do
    OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest.withClientRegistrationId(Peers.SPRING_REGISTRATION_ID)
        .principal(Peers.SPRING_PRINCIPAL)
        .build();
    return spring.authorize(request).getAccessToken().getTokenValue();
  }

  @Benchmark
  public String wxJavaAccessToken() throws WxErrorException {
    return wxJava.getAccessToken();
  }
}
