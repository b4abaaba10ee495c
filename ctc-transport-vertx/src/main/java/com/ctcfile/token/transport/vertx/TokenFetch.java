package com.ctcfile.token.transport.vertx;

import com.ctcfile.token.TokenProtocolException;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One token request of a {@link VertxTransport}: its outcome, its deadline and the Vert.x request
 * to abort when the deadline passes or the body grows past its limit.
 *
 * <p>It is also the request's {@link BodyCodec}, for two reasons: the body is read through a
 * {@link BoundedBody} that stops at the limit, and the codec marks the request as a token request,
 * which {@link TokenFetchInterceptor} (to learn the Vert.x request) and {@link BearerInterceptor}
 * (never to authorize it) recognise. Thread-safe: the interceptor, the body and the timer run on the
 * request's event loop, {@link #result()} may be read from anywhere.
 */
final class TokenFetch implements BodyCodec<Buffer> {

  private final TransportRequest request;
  private final long deadlineNanos;
  private final CompletableFuture<TransportResponse> result = new CompletableFuture<>();

  // guarded by this
  private HttpClientRequest inFlight;
  private Vertx timerOwner;
  private long timerId = -1;

  TokenFetch(TransportRequest request) {
    this.request = request;
    this.deadlineNanos = System.nanoTime() + request.timeout().toNanos();
    result.whenComplete((response, failure) -> disarm());
  }

  /** Whether {@code request} is a token request of a {@link VertxTransport}. */
  static boolean isTokenRequest(HttpRequest<?> request) {
    return request != null && request.bodyCodec() instanceof TokenFetch;
  }

  /** The fetch of a token request, or {@code null} for any other request. */
  static TokenFetch of(HttpRequest<?> request) {
    return request != null && request.bodyCodec() instanceof TokenFetch ? (TokenFetch) request.bodyCodec() : null;
  }

  CompletionStage<TransportResponse> result() {
    return result;
  }

  /** Whole milliseconds left before the deadline, at least 1. */
  long millisLeft() {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime() + 999_999));
  }

  @Override
  public BodyStream<Buffer> stream() {
    return new BoundedBody(this, request.maxBodyBytes());
  }

  /**
   * The connection is there and the request is about to be written: from now on an abort closes
   * it. Arms the timer for the rest of the deadline (the wait for a connection was bounded by the
   * request's connect timeout).
   *
   * @param context the event-loop context the request runs on, for the timer; may be null
   * @return false if the fetch is already over (timed out, closed), so the request must not be sent
   */
  boolean sending(HttpClientRequest clientRequest, Context context) {
    synchronized (this) {
      inFlight = clientRequest;
    }
    if (result.isDone()) {
      clientRequest.reset();
      return false;
    }
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      timedOut();
      return false;
    }
    Vertx vertx = context == null ? null : context.owner();
    if (vertx != null) {
      long id = vertx.setTimer(millisLeft(), ignored -> timedOut());
      synchronized (this) {
        timerOwner = vertx;
        timerId = id;
      }
      if (result.isDone()) {
        disarm();
      }
    } else {
      // not on a Vert.x thread, which a WebClient never does here; a JDK timer keeps the bound anyway
      CompletableFuture.delayedExecutor(left, TimeUnit.NANOSECONDS).execute(this::timedOut);
    }
    return true;
  }

  /** The body went past the limit: fails the fetch and drops the connection. Returns the failure. */
  TokenProtocolException overflow(int limit) {
    TokenProtocolException failure = new TokenProtocolException("the reply to " + request
        + " has a body over " + limit + " bytes; reading stopped there");
    if (result.completeExceptionally(failure)) {
      abort();
    }
    return failure;
  }

  /** How the WebClient's exchange ended; a fetch already over (timeout, overflow) ignores it. */
  void completed(AsyncResult<HttpResponse<Buffer>> exchange) {
    if (result.isDone()) {
      return;
    }
    if (exchange.succeeded()) {
      HttpResponse<Buffer> response = exchange.result();
      Buffer body = response.body();
      result.complete(new TransportResponse(response.statusCode(), body == null ? new byte[0] : body.getBytes()));
    } else {
      result.completeExceptionally(FetchFailures.translate(request, exchange.cause()));
    }
  }

  /** Fails the fetch before Vert.x saw the request, e.g. when creating it threw. */
  void failed(Throwable failure) {
    result.completeExceptionally(FetchFailures.translate(request, failure));
  }

  private void timedOut() {
    if (result.completeExceptionally(FetchFailures.timedOut(request))) {
      abort();
    }
  }

  // HTTP/1.x: a reset of a request in flight closes its connection, so the server stops writing too
  private void abort() {
    HttpClientRequest clientRequest;
    synchronized (this) {
      clientRequest = inFlight;
    }
    if (clientRequest != null) {
      clientRequest.reset();
    }
  }

  private void disarm() {
    Vertx vertx;
    long id;
    synchronized (this) {
      vertx = timerOwner;
      id = timerId;
      timerOwner = null;
    }
    if (vertx != null) {
      vertx.cancelTimer(id);
    }
  }

  @Override
  public String toString() {
    return "TokenFetch{" + request + "}";
  }
}
