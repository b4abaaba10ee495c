package com.ctcfile.token.benchmarks;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenRegistry;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
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
 * The hot path of one client in a {@link TokenRegistry} of {@value #CLIENTS} clients that all hold
 * tokens, against a standalone {@link TokenManager} and the volatile-read floor, in the same run: a
 * registry's provider is a {@code TokenManager}, so {@link #registryProvider()} should cost what
 * {@link #standalone()} costs. {@link #registryLookup()} is the cost of asking the registry for the
 * provider on every call ({@code registry.provider(id, secret).token()}), for applications that keep
 * the client id rather than the provider.
 *
 * <p>Tokens live a week and the transport answers at once ({@link CannedTransport}), so nothing renews
 * during a run and no network is involved.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RegistryHotPath {

  static final int CLIENTS = 10_000;
  static final URI ENDPOINT = URI.create("http://127.0.0.1:1");

  private volatile AccessToken floor;

  CannedTransport standaloneTransport;
  CannedTransport registryTransport;
  TokenManager standalone;
  TokenRegistry registry;
  TokenManager provider;
  String measuredId;
  String measuredSecret;

  @Setup(Level.Trial)
  public void setUp() {
    standaloneTransport = CannedTransport.immediate(HotPathBenchmarks.EXPIRES_IN_SECONDS);
    standalone = TokenManager.builder()
        .endpoint(ENDPOINT)
        .clientId("ctc-client")
        .clientSecret("ctc-secret")
        .transport(standaloneTransport)
        .build();
    floor = standalone.token();

    registryTransport = CannedTransport.immediate(HotPathBenchmarks.EXPIRES_IN_SECONDS);
    registry = TokenRegistry.builder().endpoint(ENDPOINT).transport(registryTransport).build();
    CompletableFuture<?>[] pending = new CompletableFuture<?>[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
      pending[i] = registry.provider("client-" + i, "secret-" + i).tokenAsync().toCompletableFuture();
    }
    CompletableFuture.allOf(pending).join();
    // one from the middle, not the first created
    measuredId = "client-" + CLIENTS / 2;
    measuredSecret = "secret-" + CLIENTS / 2;
    provider = registry.provider(measuredId, measuredSecret);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    standalone.close();
    registry.close();
  }

  @Benchmark
  public AccessToken floorVolatileRead() {
    return floor;
  }

  @Benchmark
  public AccessToken standalone() {
    return standalone.token();
  }

  @Benchmark
  public AccessToken registryProvider() {
    return provider.token();
  }

  @Benchmark
  public AccessToken registryLookup() {
    return registry.provider(measuredId, measuredSecret).token();
  }
}
