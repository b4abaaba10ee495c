package com.ctcfile.token.transport.vertx;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.codec.spi.BodyStream;

/**
 * Collects a token reply's body up to a limit. The first chunk that would pass it fails the
 * {@link TokenFetch} (which drops the connection) instead of being stored, so no more than the limit
 * is ever held. Used on the request's event loop only; not thread-safe.
 */
final class BoundedBody implements BodyStream<Buffer> {

  private final TokenFetch fetch;
  private final int limit;
  private final Buffer received;
  private final Promise<Buffer> done = Promise.promise();
  private boolean overflowed;

  BoundedBody(TokenFetch fetch, int limit) {
    this.fetch = fetch;
    this.limit = limit;
    this.received = Buffer.buffer(Math.min(limit, 8 * 1024));
  }

  @Override
  public Future<Buffer> result() {
    return done.future();
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (overflowed) {
      return Future.failedFuture("body limit exceeded");
    }
    if ((long) received.length() + data.length() > limit) {
      overflowed = true;
      Exception failure = fetch.overflow(limit);
      done.tryFail(failure);
      return Future.failedFuture(failure);
    }
    received.appendBuffer(data);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> end() {
    if (!overflowed) {
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
