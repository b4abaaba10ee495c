package com.ctcfile.token.benchmarks;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenManagerBuilder;
import com.ctcfile.token.micrometer.CtcTokenMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
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
 * {@code token()} on a valid token with {@link CtcTokenMetrics} as listener, its gauges monitored and
 * bound to a registry, against the same call on a manager without metrics: the meters must add
 * nothing to the hot path, no time and no allocation ({@code -prof gc}: 0 B/op).
 *
 * <p>Each manager has a token that lives a week, so no call triggers a renewal or an event; the
 * registry is never read during the run, since reading it is not the application's hot path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MetricsHotPath {

  private static final long EXPIRES_IN_SECONDS = Duration.ofDays(7).getSeconds();

  TokenManager plain;
  TokenManager metered;
  CtcTokenMetrics metrics;
  SimpleMeterRegistry registry;

  @Setup(Level.Trial)
  public void setUp() {
    plain = manager().build();
    metrics = CtcTokenMetrics.create();
    registry = new SimpleMeterRegistry();
    metrics.bindTo(registry);
    metered = metrics.monitor(manager().listener(metrics).build());
    plain.token();
    metered.token();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    metrics.close();
    plain.close();
    metered.close();
  }

  private static TokenManagerBuilder manager() {
    return TokenManager.builder()
        .endpoint(URI.create("http://127.0.0.1:1"))
        .clientId("ctc-client")
        .clientSecret("ctc-secret")
        .transport(CannedTransport.immediate(EXPIRES_IN_SECONDS));
  }

  @Benchmark
  public AccessToken withoutMetrics() {
    return plain.token();
  }

  @Benchmark
  public AccessToken withMetrics() {
    return metered.token();
  }
}
