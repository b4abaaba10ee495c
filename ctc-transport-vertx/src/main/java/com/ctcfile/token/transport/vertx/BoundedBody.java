package com.ctcfile.token.transport.vertx;

import com.ctcfile.token.core.port.ReplyBodyBuffer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.codec.spi.BodyStream;

/**
 * Collects a token reply's body into a {@link ReplyBodyBuffer}. The first chunk that would pass the
 * limit fails the {@link TokenFetch} (which resets the request and drops the connection) instead of
 * being stored. Used on the request's event loop only; not thread-safe.
 */
final class BoundedBody implements BodyStream<ReplyBodyBuffer> {

  private final TokenFetch fetch;
  private final ReplyBodyBuffer received;
  private final Promise<ReplyBodyBuffer> done = Promise.promise();

  BoundedBody(TokenFetch fetch, ReplyBodyBuffer received) {
    this.fetch = fetch;
    this.received = received;
  }

  @Override
  public Future<ReplyBodyBuffer> result() {
    return done.future();
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (!received.append(data.getBytes(), 0, data.length())) {
      fetch.overflow(received);
      done.tryFail(received.tooLarge());
      return Future.failedFuture(received.tooLarge());
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> end() {
    if (!received.overflowed()) {
      done.tryComplete(received);
    }
    return Future.succeededFuture();
  }

  // the WebClient reports a failure of the response stream here
  @Override
  public void handle(Throwable failure) {
    done.tryFail(failure);
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  // writes are stored at once, so the queue is never full and never needs to drain
  @Override
  public boolean writeQueueFull() {
    return false;
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    return this;
  }
}
