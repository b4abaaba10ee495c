package com.ctcfile.token.testkit;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenProtocolException;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The testkit's reference {@link Transport}, on {@code java.net.http.HttpClient}: the proof that
 * {@link TransportContractTest} can be passed, and so that its checks are meaningful.
 *
 * <p>Core owns the deadline: a stage it cancels aborts the JDK exchange and the body, which closes
 * the connection. The body is read through a subscriber that counts bytes and cancels its
 * subscription, which closes the connection too, the moment the reply grows past the request's
 * limit. Thread-safe; owns its client and threads and releases the threads on {@link #close()}.
 */
final class JdkHttpClientTransport implements Transport {

  /**
   * Deliberate breaches of the contract, one at a time, so that {@code TransportContractMutantTest}
   * can show each contract test failing for the breach it is about. A transport made with none of
   * them is the reference.
   */
  enum Flaw {
    FOLLOWS_REDIRECTS,
    NO_ACCEPT_HEADER,
    SENDS_POST,
    REBUILDS_URI_FROM_DECODED_PARTS,
    FAILS_ON_ERROR_STATUS,
    IGNORES_BODY_LIMIT,
    LIMIT_OFF_BY_ONE,
    KEEPS_CONNECTION_PAST_LIMIT,
    IGNORES_CANCEL,
    SENDS_AFTER_CLOSE,
    OUTCOME_ALWAYS_UNKNOWN,
    OUTCOME_ALWAYS_KNOWN,
    UNTRANSLATED_EXCEPTIONS,
    URI_IN_MESSAGES,
    BLOCKS_CALLER,
    ONE_REQUEST_AT_A_TIME,
    CLOSE_TWICE_FAILS
  }

  private static final AtomicInteger NUMBER = new AtomicInteger();

  private final Set<Flaw> flaws;
  private final ExecutorService executor;
  private final HttpClient client;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();

  JdkHttpClientTransport() {
    this(EnumSet.noneOf(Flaw.class));
  }

  JdkHttpClientTransport(Set<Flaw> flaws) {
    this.flaws = EnumSet.copyOf(flaws.isEmpty() ? EnumSet.noneOf(Flaw.class) : flaws);
    int number = NUMBER.incrementAndGet();
    this.executor = Executors.newCachedThreadPool(daemon("jdk-transport-" + number + "-io"));
    this.client = HttpClient.newBuilder()
        .followRedirects(has(Flaw.FOLLOWS_REDIRECTS) ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .executor(executor)
        .build();
  }

  @Override
  public CompletionStage<TransportResponse> send(TransportRequest request) {
    if (closed.get() && !has(Flaw.SENDS_AFTER_CLOSE)) {
      return CompletableFuture.failedFuture(request.notSent("the transport is closed"));
    }
    if (has(Flaw.ONE_REQUEST_AT_A_TIME) && inFlight.getAndIncrement() > 0) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(new TokenTransportException("busy: " + request, null));
    }
    CompletableFuture<TransportResponse> result = exchange(request);
    if (has(Flaw.ONE_REQUEST_AT_A_TIME)) {
      result.whenComplete((response, error) -> inFlight.decrementAndGet());
    }
    if (has(Flaw.BLOCKS_CALLER)) {
      try {
        result.join();
      } catch (RuntimeException failed) {
        // the stage reports it
      }
    }
    return result;
  }

  private CompletableFuture<TransportResponse> exchange(TransportRequest request) {
    HttpRequest.Builder http = HttpRequest.newBuilder(uriOf(request));
    if (has(Flaw.SENDS_POST)) {
      http.POST(HttpRequest.BodyPublishers.noBody());
    } else {
      http.GET();
    }
    if (!has(Flaw.NO_ACCEPT_HEADER)) {
      http.header("Accept", "application/json");
    }
    int limit = has(Flaw.IGNORES_BODY_LIMIT) ? Integer.MAX_VALUE
        : has(Flaw.LIMIT_OFF_BY_ONE) ? request.maxBodyBytes() - 1 : request.maxBodyBytes();
    BoundedBody body = new BoundedBody(limit, !has(Flaw.KEEPS_CONNECTION_PAST_LIMIT));
    CompletableFuture<TransportResponse> result = new CompletableFuture<>();
    CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(http.build(), info -> body);
    if (!has(Flaw.IGNORES_CANCEL)) {
      result.whenComplete((response, error) -> {
        if (error != null) {
          body.abort();
          exchange.cancel(true);
        }
      });
    }
    exchange.whenComplete((response, error) -> {
      if (error != null) {
        result.completeExceptionally(translate(error, request));
      } else if (has(Flaw.FAILS_ON_ERROR_STATUS) && response.statusCode() >= 400) {
        result.completeExceptionally(new TokenTransportException("HTTP " + response.statusCode(), null));
      } else {
        result.complete(new TransportResponse(response.statusCode(), response.body()));
      }
    });
    return result;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      if (!has(Flaw.SENDS_AFTER_CLOSE)) {
        executor.shutdownNow();
      }
    } else if (has(Flaw.CLOSE_TWICE_FAILS)) {
      throw new IllegalStateException("already closed");
    }
  }

  private boolean has(Flaw flaw) {
    return flaws.contains(flaw);
  }

  private URI uriOf(TransportRequest request) {
    if (!has(Flaw.REBUILDS_URI_FROM_DECODED_PARTS)) {
      return request.uri();
    }
    URI uri = request.uri();
    try {
      return new URI(uri.getScheme(), uri.getAuthority(), uri.getPath(), uri.getQuery(), null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }

  // the JDK's exceptions name no URI, but the port's failure() keeps them out anyway
  private Throwable translate(Throwable error, TransportRequest request) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (has(Flaw.UNTRANSLATED_EXCEPTIONS)) {
      return cause;
    }
    if (cause instanceof CtcTokenException) {
      return cause;
    }
    if (has(Flaw.URI_IN_MESSAGES)) {
      return new TokenTransportException(request.uri() + " failed", cause);
    }
    if (has(Flaw.OUTCOME_ALWAYS_UNKNOWN) || has(Flaw.OUTCOME_ALWAYS_KNOWN)) {
      return new TokenTransportException(request + " failed", 0, has(Flaw.OUTCOME_ALWAYS_UNKNOWN), cause);
    }
    return request.failure("failed", cause);
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
    private final boolean cancelPastLimit;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private volatile Flow.Subscription subscription;

    BoundedBody(int limit, boolean cancelPastLimit) {
      this.limit = limit;
      this.cancelPastLimit = cancelPastLimit;
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
          if (cancelPastLimit) {
            subscription.cancel();
          }
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

    /** Stops reading, for a stage that was cancelled. */
    void abort() {
      if (body.completeExceptionally(new CancellationException("exchange cancelled"))) {
        Flow.Subscription current = subscription;
        if (current != null) {
          current.cancel();
        }
      }
    }
  }
}
