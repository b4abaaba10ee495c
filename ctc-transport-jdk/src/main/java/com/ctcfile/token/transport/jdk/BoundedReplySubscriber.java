package com.ctcfile.token.transport.jdk;

import com.ctcfile.token.core.port.ReplyBodyBuffer;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects one token reply into a {@link ReplyBodyBuffer}, one buffer list at a time, and cancels
 * its subscription, which makes the JDK client close the connection instead of draining it, as soon
 * as the reply announces or turns out to be longer than the request's limit. Then the body stage
 * fails with {@link ReplyBodyBuffer#tooLarge()}.
 *
 * <p>One per exchange. The JDK client calls the {@code on*} methods one at a time, in order;
 * {@link #abort()} may come from any thread.
 */
final class BoundedReplySubscriber implements HttpResponse.BodySubscriber<TransportResponse> {

  private final ReplyBodyBuffer buffer;
  private final int status;
  private final boolean announcedTooLong;
  private final CompletableFuture<TransportResponse> body = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;

  BoundedReplySubscriber(TransportRequest request, int status, long announcedLength) {
    this.buffer = new ReplyBodyBuffer(request);
    this.status = status;
    this.announcedTooLong = !buffer.fits(announcedLength);
  }

  /** The subscriber for the reply {@code info} describes, refusing an over-long Content-Length unread. */
  static BoundedReplySubscriber of(TransportRequest request, HttpResponse.ResponseInfo info) {
    long announced;
    try {
      announced = info.headers().firstValueAsLong("Content-Length").orElse(-1);
    } catch (NumberFormatException malformed) {
      // the JDK client fails such a reply itself; read it as one without a length meanwhile
      announced = -1;
    }
    return new BoundedReplySubscriber(request, info.statusCode(), announced);
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    if (announcedTooLong) {
      subscription.cancel();
      body.completeExceptionally(buffer.tooLarge());
    } else if (body.isDone()) {
      subscription.cancel();
    } else {
      subscription.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (body.isDone()) {
      subscription.cancel();
      return;
    }
    for (ByteBuffer item : items) {
      if (!buffer.append(item)) {
        subscription.cancel();
        body.completeExceptionally(buffer.tooLarge());
        return;
      }
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable failure) {
    body.completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    body.complete(buffer.response(status));
  }

  @Override
  public CompletionStage<TransportResponse> getBody() {
    return body;
  }

  /** Stops reading: the stage was cancelled or timed out, or the transport closed. */
  void abort() {
    if (body.completeExceptionally(new CancellationException("token request aborted"))) {
      Flow.Subscription current = subscription;
      if (current != null) {
        current.cancel();
      }
    }
  }
}
