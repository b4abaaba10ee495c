package com.ctcfile.token.core;

import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A token endpoint in memory for core's own tests (the real transports are tested against a real
 * server in their modules). By default every request gets a fresh token; scripted replies, failures
 * and held replies (released by the test) are served first, in order.
 */
final class ScriptedTransport implements Transport {

  private final Deque<Function<TransportRequest, CompletionStage<TransportResponse>>> script = new ArrayDeque<>();
  private final AtomicInteger sends = new AtomicInteger();
  private final List<TransportRequest> requests = new ArrayList<>();
  private final List<String> issued = new ArrayList<>();
  private volatile Duration lifetime = Duration.ofHours(1);
  private volatile Runnable onSend = () -> {};
  private volatile boolean closed;

  /** Every default reply grants this lifetime. */
  ScriptedTransport lifetime(Duration lifetime) {
    this.lifetime = lifetime;
    return this;
  }

  /** Runs on every send before replying, e.g. to move a manual clock while the request is on the wire. */
  ScriptedTransport onSend(Runnable action) {
    this.onSend = action;
    return this;
  }

  synchronized ScriptedTransport thenReply(int status, String body) {
    script.add(request -> CompletableFuture.completedFuture(
        new TransportResponse(status, body.getBytes(StandardCharsets.UTF_8))));
    return this;
  }

  synchronized ScriptedTransport thenFail(Throwable failure) {
    script.add(request -> CompletableFuture.failedFuture(failure));
    return this;
  }

  /** The next request waits until the returned future is completed, e.g. with {@link #tokenReply()}. */
  synchronized CompletableFuture<TransportResponse> thenHold() {
    CompletableFuture<TransportResponse> held = new CompletableFuture<>();
    script.add(request -> held);
    return held;
  }

  @Override
  public CompletionStage<TransportResponse> send(TransportRequest request) {
    sends.incrementAndGet();
    onSend.run();
    Function<TransportRequest, CompletionStage<TransportResponse>> next;
    synchronized (this) {
      requests.add(request);
      next = script.poll();
    }
    return next != null ? next.apply(request) : CompletableFuture.completedFuture(tokenReply());
  }

  /** A success reply with a new token, as the CTC server sends it. */
  synchronized TransportResponse tokenReply() {
    String token = "tok" + (issued.size() + 1) + "-" + "x".repeat(40);
    issued.add(token);
    String body = "{\"token_type\":\"\",\"access_token\":\"" + token + "\",\"expires_in\":" + lifetime.toSeconds()
        + ",\"refresh_token\":\"\",\"errcode\":\"\",\"errmsg\":\"\"}";
    return new TransportResponse(200, body.getBytes(StandardCharsets.UTF_8));
  }

  int sends() {
    return sends.get();
  }

  synchronized List<String> issued() {
    return List.copyOf(issued);
  }

  synchronized String lastIssued() {
    return issued.get(issued.size() - 1);
  }

  synchronized List<TransportRequest> requests() {
    return List.copyOf(requests);
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
  }
}
