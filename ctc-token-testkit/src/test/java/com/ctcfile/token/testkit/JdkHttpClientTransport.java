package com.ctcfile.token.testkit;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenProtocolException;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The testkit's reference {@link Transport}, on {@code java.net.http.HttpClient}: the proof that
 * {@link TransportContractTest} can be passed, and so that its checks are meaningful.
 *
 * <p>The JDK client's own request timeout ends when the reply headers arrive, so the whole-exchange
 * deadline is a timer of this transport's own, which aborts the body as well. The body is read
 * through a subscriber that counts bytes and cancels its subscription, which closes the connection,
 * the moment the reply grows past the request's limit. Thread-safe; owns its client and threads and
 * releases the threads on {@link #close()}.
 */
final class JdkHttpClientTransport implements Transport {

  private static final AtomicInteger NUMBER = new AtomicInteger();

  private final ExecutorService executor;
  private final ScheduledThreadPoolExecutor deadlines;
  private final HttpClient client;
  private final AtomicBoolean closed = new AtomicBoolean();

  JdkHttpClientTransport() {
    int number = NUMBER.incrementAndGet();
    this.executor = Executors.newCachedThreadPool(daemon("jdk-transport-" + number + "-io"));
    this.deadlines = new ScheduledThreadPoolExecutor(1, daemon("jdk-transport-" + number + "-deadline"));
    this.deadlines.setRemoveOnCancelPolicy(true);
    this.client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .executor(executor)
        .build();
  }

  @Override
  public CompletionStage<TransportResponse> send(TransportRequest request) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new TokenTransportException("transport is closed: " + request, null));
    }
    HttpRequest http = HttpRequest.newBuilder(request.uri())
        .GET()
        .header("Accept", "application/json")
        .timeout(request.timeout())
        .build();
    BoundedBody body = new BoundedBody(request.maxBodyBytes());
    CompletableFuture<TransportResponse> result = new CompletableFuture<>();
    CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(http, info -> body);
    ScheduledFuture<?> deadline = deadlines.schedule(() -> {
      if (result.completeExceptionally(new TokenTransportException("no complete reply from " + request.redactedUri()
          + " within " + request.timeout().toMillis() + " ms", null))) {
        body.abort();
        exchange.cancel(true);
      }
    }, request.timeout().toNanos(), TimeUnit.NANOSECONDS);
    exchange.whenComplete((response, error) -> {
      deadline.cancel(false);
      if (error == null) {
        result.complete(new TransportResponse(response.statusCode(), response.body()));
      } else {
        result.completeExceptionally(translate(error, request));
      }
    });
    return result;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      deadlines.shutdownNow();
      executor.shutdownNow();
    }
  }

  // the JDK's exceptions name no URI, but the message is ours anyway, made from the redacted one
  private static CtcTokenException translate(Throwable error, TransportRequest request) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CtcTokenException) {
        return (CtcTokenException) t;
      }
      if (t instanceof HttpTimeoutException) {
        return new TokenTransportException("no reply from " + request.redactedUri() + " within "
            + request.timeout().toMillis() + " ms", t);
      }
    }
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return new TokenTransportException("token request to " + request.redactedUri() + " failed: "
        + cause.getClass().getSimpleName(), cause);
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + "-" + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Collects at most {@code limit} bytes, one buffer list at a time, and cancels past it. */
  private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

    private final int limit;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private volatile Flow.Subscription subscription;

    BoundedBody(int limit) {
      this.limit = limit;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      if (body.isDone()) {
        subscription.cancel();
      } else {
        subscription.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer buffer : buffers) {
        if (received.size() + (long) buffer.remaining() > limit) {
          subscription.cancel();
          body.completeExceptionally(new TokenProtocolException("token reply body exceeds " + limit + " bytes"));
          return;
        }
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        received.write(chunk, 0, chunk.length);
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable error) {
      body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      body.complete(received.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return body;
    }

    /** Stops reading, for a deadline that has passed. */
    void abort() {
      if (body.completeExceptionally(new CancellationException("deadline passed"))) {
        Flow.Subscription current = subscription;
        if (current != null) {
          current.cancel();
        }
      }
    }
  }
}
