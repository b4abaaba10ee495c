package com.ctcfile.token.transport.micronaut;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenProtocolException;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import io.micronaut.http.ByteBodyHttpResponse;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.body.ByteBody;
import io.netty.channel.Channel;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * One token request on the wire: subscribes to the raw exchange, then to the reply body, keeps at
 * most the request's limit of it, and aborts both at the deadline.
 *
 * <p>Completes its {@link #result()} exactly once. Everything that touches the subscriptions or the
 * response happens under {@code this}, because the deadline fires on another thread than the event
 * loop that delivers the reply; the critical sections are a few field writes and a cancel.
 */
final class TokenExchange {

  /*
   * Micronaut 4.10 drains a cancelled or closed body to the end to keep the connection for reuse
   * (Http1ResponseHandler's listener never overrides allowDiscard), which for an endless body means
   * reading forever. The only handle on the connection is the Netty channel the client records on
   * the request under this internal attribute name, so an aborted exchange closes that channel. If a
   * later Micronaut renames it, TransportContractTest's "stops reading a huge body" fails.
   */
  private static final String CHANNEL_ATTRIBUTE = "netty_channel";

  private final TransportRequest request;
  private final io.micronaut.http.HttpRequest<?> http;
  private final CompletableFuture<TransportResponse> result = new CompletableFuture<>();
  private final CompletableFuture<Void> deadline = new CompletableFuture<>();

  // guarded by this
  private Subscription exchange;
  private Subscription body;
  private ByteBodyHttpResponse<?> response;

  TokenExchange(TransportRequest request, io.micronaut.http.HttpRequest<?> http) {
    this.request = request;
    this.http = http;
  }

  CompletableFuture<TransportResponse> result() {
    return result;
  }

  /** Subscribes to the exchange and starts the whole-exchange clock. */
  void start(Publisher<? extends HttpResponse<?>> responses) {
    // orTimeout cancels its timer as soon as the deadline future completes, so a finished exchange costs nothing
    deadline.orTimeout(request.timeout().toNanos(), TimeUnit.NANOSECONDS)
        .whenComplete((ignored, error) -> {
          if (error instanceof TimeoutException) {
            fail(new TokenTransportException("no complete reply from " + request.redactedUri() + " within "
                + request.timeout().toMillis() + " ms", null));
          }
        });
    result.whenComplete((ignored, error) -> deadline.complete(null));
    responses.subscribe(new ResponseSubscriber());
  }

  /** Fails the exchange with {@code error}, translated, and lets go of the connection. */
  void fail(Throwable error) {
    if (result.completeExceptionally(translate(error))) {
      http.getAttribute(CHANNEL_ATTRIBUTE, Channel.class).ifPresent(Channel::close);
      release();
    }
  }

  private synchronized void release() {
    if (exchange != null) {
      exchange.cancel();
    }
    if (body != null) {
      body.cancel();
    }
    if (response != null) {
      response.close();
    }
  }

  private void onResponse(HttpResponse<?> reply) {
    if (!(reply instanceof ByteBodyHttpResponse)) {
      fail(new TokenTransportException("the client gave a reply without a readable body ("
          + reply.getClass().getName() + ") for " + request.redactedUri(), reply.code(), null));
      return;
    }
    ByteBodyHttpResponse<?> byteReply = (ByteBodyHttpResponse<?>) reply;
    synchronized (this) {
      response = byteReply;
    }
    if (result.isDone()) {
      release();
      return;
    }
    ByteBody bytes = byteReply.byteBody();
    OptionalLong announced = bytes.expectedLength();
    if (announced.isPresent() && announced.getAsLong() > request.maxBodyBytes()) {
      fail(tooLong());
      return;
    }
    bytes.toByteArrayPublisher().subscribe(new BodySubscriber(reply.code()));
  }

  private TokenProtocolException tooLong() {
    return request.bodyTooLarge();
  }

  private Throwable translate(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof CtcTokenException) {
      return t;
    }
    // Micronaut's messages may quote the request URI, and so the secret: the port keeps such a cause out
    return request.failure("failed", t);
  }

  /** Takes the one response of the raw exchange. */
  private final class ResponseSubscriber implements Subscriber<HttpResponse<?>> {
    private boolean received;

    @Override
    public void onSubscribe(Subscription subscription) {
      boolean done;
      synchronized (TokenExchange.this) {
        exchange = subscription;
        done = result.isDone();
      }
      if (done) {
        subscription.cancel();
      } else {
        subscription.request(1);
      }
    }

    @Override
    public void onNext(HttpResponse<?> reply) {
      received = true;
      onResponse(reply);
    }

    @Override
    public void onError(Throwable error) {
      fail(error);
    }

    @Override
    public void onComplete() {
      if (!received) {
        fail(new TokenTransportException("no reply from " + request.redactedUri(), null));
      }
    }
  }

  /** Collects the body up to the limit; one byte past it cancels the stream and fails the exchange. */
  private final class BodySubscriber implements Subscriber<byte[]> {
    private final int status;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    BodySubscriber(int status) {
      this.status = status;
    }

    @Override
    public void onSubscribe(Subscription s) {
      boolean done;
      synchronized (TokenExchange.this) {
        body = s;
        done = result.isDone();
      }
      if (done) {
        s.cancel();
      } else {
        s.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(byte[] chunk) {
      if (result.isDone()) {
        return;
      }
      if (received.size() + (long) chunk.length > request.maxBodyBytes()) {
        fail(tooLong());
        return;
      }
      received.write(chunk, 0, chunk.length);
    }

    @Override
    public void onError(Throwable error) {
      fail(error);
    }

    @Override
    public void onComplete() {
      if (result.complete(new TransportResponse(status, received.toByteArray()))) {
        release();
      }
    }
  }
}
