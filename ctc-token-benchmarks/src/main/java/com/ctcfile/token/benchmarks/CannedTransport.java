package com.ctcfile.token.benchmarks;

import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Transport} that answers every token request with HTTP 200 and a fresh token of the CTC
 * reply format, so a benchmark measures the manager and not a network.
 *
 * <p>Made {@link #immediate(long) immediate}, the reply is complete when {@code send} returns. Made
 * {@link #delayed(long, long, long, ScheduledExecutorService) delayed}, it completes on the given
 * scheduler after a random latency in a range, as a real token endpoint would. Thread-safe; never
 * fails; {@link #close()} does not shut the scheduler down.
 */
final class CannedTransport implements Transport {

  private final long expiresInSeconds;
  private final long minLatencyMillis;
  private final long maxLatencyMillis;
  private final ScheduledExecutorService scheduler;
  private final AtomicInteger fetches = new AtomicInteger();

  private CannedTransport(long expiresInSeconds, long minLatencyMillis, long maxLatencyMillis,
      ScheduledExecutorService scheduler) {
    if (expiresInSeconds <= 0) {
      throw new IllegalArgumentException("expiresInSeconds must be positive: " + expiresInSeconds);
    }
    if (minLatencyMillis < 0 || maxLatencyMillis < minLatencyMillis) {
      throw new IllegalArgumentException("latency range must be 0 <= min <= max: " + minLatencyMillis + ".." + maxLatencyMillis);
    }
    this.expiresInSeconds = expiresInSeconds;
    this.minLatencyMillis = minLatencyMillis;
    this.maxLatencyMillis = maxLatencyMillis;
    this.scheduler = scheduler;
  }

  /** Replies at once with tokens that live {@code expiresInSeconds}. */
  static CannedTransport immediate(long expiresInSeconds) {
    return new CannedTransport(expiresInSeconds, 0, 0, null);
  }

  /** Replies on {@code scheduler} after a latency drawn uniformly from {@code minMillis..maxMillis}. */
  static CannedTransport delayed(long expiresInSeconds, long minMillis, long maxMillis, ScheduledExecutorService scheduler) {
    if (scheduler == null) {
      throw new NullPointerException("scheduler");
    }
    return new CannedTransport(expiresInSeconds, minMillis, maxMillis, scheduler);
  }

  @Override
  public CompletionStage<TransportResponse> send(TransportRequest request) {
    TransportResponse reply = new TransportResponse(200, body(fetches.incrementAndGet()));
    if (scheduler == null) {
      return CompletableFuture.completedFuture(reply);
    }
    CompletableFuture<TransportResponse> promise = new CompletableFuture<>();
    long latency = ThreadLocalRandom.current().nextLong(minLatencyMillis, maxLatencyMillis + 1);
    scheduler.schedule(() -> promise.complete(reply), latency, TimeUnit.MILLISECONDS);
    return promise;
  }

  /** How many token requests this transport has answered. */
  int fetches() {
    return fetches.get();
  }

  private byte[] body(int serial) {
    return ("{\"token_type\":\"\",\"access_token\":\"" + Tokens.value(serial) + "\",\"expires_in\":" + expiresInSeconds
        + ",\"refresh_token\":\"\",\"errcode\":\"\",\"errmsg\":\"\"}").getBytes(StandardCharsets.US_ASCII);
  }
}
