package com.ctcfile.token.transport.vertx;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.port.ReplyBodyBuffer;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * One token request of a {@link VertxTransport}: its outcome, and the Vert.x request to reset when
 * the outcome is a failure before the exchange is over: core cancelled the stage (its deadline, the
 * manager closing) or the body grew past its limit. A reset closes the HTTP/1.x connection, so the
 * server stops writing too.
 *
 * <p>It is also the request's {@link BodyCodec}, for two reasons: the body is read into a
 * {@link ReplyBodyBuffer} that stops at the limit, and the codec marks the request as a token
 * request, which {@link TokenFetchInterceptor} (to learn the Vert.x request) and
 * {@link BearerInterceptor} (never to authorize it) recognise. Thread-safe: the interceptor and the
 * body run on the request's event loop, {@link #result()} may be cancelled from anywhere.
 */
final class TokenFetch implements BodyCodec<ReplyBodyBuffer> {

  private final TransportRequest request;
  private final CompletableFuture<TransportResponse> result = new CompletableFuture<>();

  // guarded by this
  private HttpClientRequest inFlight;
  private Context context;

  TokenFetch(TransportRequest request) {
    this.request = request;
    result.whenComplete((response, failure) -> {
      if (failure != null) {
        abort();
      }
    });
  }

  /** Whether {@code request} is a token request of a {@link VertxTransport}. */
  static boolean isTokenRequest(HttpRequest<?> request) {
    return request != null && request.bodyCodec() instanceof TokenFetch;
  }

  /** The fetch of a token request, or {@code null} for any other request. */
  static TokenFetch of(HttpRequest<?> request) {
    return isTokenRequest(request) ? (TokenFetch) request.bodyCodec() : null;
  }

  CompletionStage<TransportResponse> result() {
    return result;
  }

  @Override
  public BodyStream<ReplyBodyBuffer> stream() {
    return new BoundedBody(this, new ReplyBodyBuffer(request));
  }

  /**
   * The connection is there and the request is about to be written: from now on a failure resets it.
   *
   * @param eventLoop the context the request runs on, where a reset from another thread goes
   * @return false if the fetch is already over (cancelled), so the request must not be sent
   */
  boolean sending(HttpClientRequest clientRequest, Context eventLoop) {
    synchronized (this) {
      inFlight = clientRequest;
      context = eventLoop;
    }
    if (result.isDone()) {
      clientRequest.reset();
      return false;
    }
    return true;
  }

  /** The body went past the limit: fails the fetch, which resets the request. */
  void overflow(ReplyBodyBuffer body) {
    result.completeExceptionally(body.tooLarge());
  }

  /** How the WebClient's exchange ended; a fetch already over (cancelled, overflowed) ignores it. */
  void completed(AsyncResult<HttpResponse<ReplyBodyBuffer>> exchange) {
    if (exchange.succeeded()) {
      HttpResponse<ReplyBodyBuffer> response = exchange.result();
      ReplyBodyBuffer body = response.body();
      result.complete(body == null ? new TransportResponse(response.statusCode(), new byte[0])
          : body.response(response.statusCode()));
    } else {
      failed(exchange.cause());
    }
  }

  /**
   * Fails the fetch with what Vert.x reported, through {@link TransportRequest#failure}: Vert.x
   * quotes the whole request URI, secret included, in some messages ("... while executing GET
   * /oauth/accesstoken?clientId=..&clientSecret=.."), which the port keeps out.
   */
  void failed(Throwable failure) {
    result.completeExceptionally(failure instanceof CtcTokenException ? failure
        : request.failure(failure instanceof TimeoutException ? "got no connection within its timeout" : "failed",
            failure));
  }

  // reset on the request's event loop: Vert.x expects its requests to be driven from there
  private void abort() {
    HttpClientRequest clientRequest;
    Context eventLoop;
    synchronized (this) {
      clientRequest = inFlight;
      eventLoop = context;
    }
    if (clientRequest == null) {
      return; // not sent yet: sending() sees the outcome and resets it then
    }
    if (eventLoop == null) {
      clientRequest.reset();
    } else {
      eventLoop.runOnContext(ignored -> clientRequest.reset());
    }
  }

  @Override
  public String toString() {
    return "TokenFetch{" + request + "}";
  }
}
