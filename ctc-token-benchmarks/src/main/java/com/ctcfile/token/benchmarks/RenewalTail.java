package com.ctcfile.token.benchmarks;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenManagerBuilder;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.transport.httpclient5.HttpClient5Transport;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * The tail latency of {@code token()} while renewals happen back to back: two threads call it
 * without pause on a manager whose tokens live one second and are renewed half a second before
 * they expire, so a renewal starts about twice a second and is in flight for a good part of the run.
 * The target is a p99.9 within 10 µs: no caller waits for a fetch while a valid token is held.
 *
 * <p>{@code endpoint=delayed}: a {@link CannedTransport} that replies after 20 to 50 ms on a
 * scheduler thread, like a remote token endpoint. {@code endpoint=loopback}: the real
 * {@link HttpClient5Transport} against a {@link FakeCtcServer} on loopback, whose I/O threads compete
 * with the callers for the two cores. After each iteration the number of renewals it saw is printed.
 *
 * <p>{@link #floorVolatileRead()} is the control: a volatile read measured in the same setting, with
 * the same renewals going on in the background. Whatever tail it shows comes from the machine (the
 * threads being descheduled, safepoints, timer resolution), not from the token manager.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(2)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class RenewalTail {

  static final Duration LIFETIME = Duration.ofSeconds(1);
  static final Duration REFRESH_AHEAD = Duration.ofMillis(500);

  @Param({"delayed", "loopback"})
  public String endpoint;

  TokenManager tokens;
  private volatile AccessToken floor;
  final RenewalCounter renewals = new RenewalCounter();
  private ScheduledExecutorService replies;
  private FakeCtcServer server;
  private int renewalsBefore;

  @Setup(Level.Trial)
  public void setUp() {
    TokenManagerBuilder builder = TokenManager.builder()
        .refreshAhead(REFRESH_AHEAD)
        .listener(renewals);
    switch (endpoint) {
      case "delayed":
        replies = Executors.newSingleThreadScheduledExecutor(task -> {
          Thread thread = new Thread(task, "canned-token-endpoint");
          thread.setDaemon(true);
          return thread;
        });
        builder.endpoint(URI.create("http://127.0.0.1:1"))
            .clientId("ctc-client")
            .clientSecret("ctc-secret")
            .transport(CannedTransport.delayed(LIFETIME.getSeconds(), 20, 50, replies));
        break;
      case "loopback":
        server = FakeCtcServer.builder().tokenLifetime(LIFETIME).build().start();
        builder.endpoint(server.endpoint())
            .clientId(server.clientId())
            .clientSecret(server.clientSecret())
            .transport(HttpClient5Transport.create());
        break;
      default:
        throw new IllegalArgumentException("unknown endpoint: " + endpoint);
    }
    tokens = builder.build();
    floor = tokens.token();
  }

  @Setup(Level.Iteration)
  public void markIteration() {
    renewalsBefore = renewals.succeeded();
  }

  @TearDown(Level.Iteration)
  public void reportIteration() {
    System.out.println("renewals in this iteration: " + (renewals.succeeded() - renewalsBefore)
        + ", failed fetches so far: " + renewals.failed());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    tokens.close();
    if (server != null) {
      server.close();
    }
    if (replies != null) {
      replies.shutdownNow();
    }
  }

  @Benchmark
  public AccessToken floorVolatileRead() {
    return floor;
  }

  @Benchmark
  public AccessToken token() {
    return tokens.token();
  }
}
