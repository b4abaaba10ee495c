package com.ctcfile.token.spring.boot;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpRequestDecorator;
import org.springframework.web.reactive.function.BodyInserter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One request's body as its first attempt wrote it, so that {@link CtcBearerExchangeFilter} can send
 * it again after a 401 without subscribing to the caller's publisher twice (which may be one-shot).
 * Keeps a heap copy of the bytes, and of the headers the body's writer added (content type and
 * length), up to a limit; a body over the limit, or written in flushed chunks, is not replayable.
 * One instance per exchange: written by the first attempt, then read by the replay.
 */
final class ReplayableBody {

  private final BodyInserter<?, ? super ClientHttpRequest> original;
  private final int limit;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final Map<String, List<String>> headers = new LinkedHashMap<>();
  private volatile boolean complete;
  private volatile boolean empty;
  private volatile boolean unrepeatable;

  ReplayableBody(BodyInserter<?, ? super ClientHttpRequest> original, int limit) {
    this.original = original;
    this.limit = limit;
  }

  /** The caller's body, written through a request that keeps a copy of what it writes. */
  BodyInserter<Object, ClientHttpRequest> recording() {
    return (message, context) -> original.insert(new Recorder(message), context);
  }

  /** Whether the first attempt wrote the whole body and it was small enough to keep. */
  boolean replayable() {
    return complete && !unrepeatable;
  }

  /** The kept body and headers, for the one replay; only when {@link #replayable()}. */
  BodyInserter<Object, ClientHttpRequest> replay() {
    byte[] kept = bytes.toByteArray();
    return (message, context) -> {
      headers.forEach((name, values) -> {
        if (!message.getHeaders().containsHeader(name)) {
          message.getHeaders().put(name, values);
        }
      });
      return empty ? message.setComplete()
          : message.writeWith(Mono.fromSupplier(() -> message.bufferFactory().wrap(kept)));
    };
  }

  private void keepHeaders(ClientHttpRequest request) {
    request.getHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
  }

  private void keep(DataBuffer buffer) {
    int length = buffer.readableByteCount();
    synchronized (bytes) {
      if (unrepeatable || bytes.size() + length > limit) {
        unrepeatable = true;
        bytes.reset();
        return;
      }
      ByteBuffer copy = ByteBuffer.allocate(length);
      buffer.toByteBuffer(buffer.readPosition(), copy, 0, length);
      bytes.write(copy.array(), 0, length);
    }
  }

  private final class Recorder extends ClientHttpRequestDecorator {

    Recorder(ClientHttpRequest delegate) {
      super(delegate);
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
      keepHeaders(getDelegate());
      return super.writeWith(Flux.from(body).doOnNext(ReplayableBody.this::keep)
          .doOnComplete(() -> complete = true));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
      unrepeatable = true;
      return super.writeAndFlushWith(body);
    }

    @Override
    public Mono<Void> setComplete() {
      keepHeaders(getDelegate());
      empty = true;
      complete = true;
      return super.setComplete();
    }
  }
}
