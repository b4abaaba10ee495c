package com.ctcfile.token.transport.micronaut;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.port.ReplyBodyBuffer;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import io.micronaut.http.ByteBodyHttpResponse;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.body.ByteBody;
import io.netty.channel.Channel;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * One token request on the wire: subscribes to the raw exchange, then to the reply body, keeps at
 * most the request's limit of it in a {@link ReplyBodyBuffer}, and aborts both, closing the
 * connection, as soon as {@link #result()} fails: core cancelled it (its deadline, the manager
 * closing), the body overflowed, or the exchange failed.
 *
 * <p>Completes its {@link #result()} exactly once. Everything that touches the subscriptions or the
 * response happens under {@code this}, because a cancel comes from another thread than the event
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
  private final ReplyBodyBuffer received;

  // guarded by this
  private Subscription exchange;
  private Subscription body;
  private ByteBodyHttpResponse<?> response;

  TokenExchange(TransportRequest request, io.micronaut.http.HttpRequest<?> http) {
    this.request = request;
    this.http = http;
    this.received = new ReplyBodyBuffer(request);
    result.whenComplete((ignored, error) -> {
      if (error != null) {
        abort();
      }
    });
  }

  CompletableFuture<TransportResponse> result() {
    return result;
  }

  /** Subscribes to the exchange. */
  void start(Publisher<? extends HttpResponse<?>> responses) {
    responses.subscribe(new ResponseSubscriber());
  }

  /**
   * Fails the exchange with {@code error}: as it is if it is ctc-token's own, else through
   * {@link TransportRequest#failure}, since Micronaut's messages may quote the request URI, and so
   * the secret.
   */
  void fail(Throwable error) {
    result.completeExceptionally(error instanceof CtcTokenException ? error : request.failure("failed", error));
  }

  private void abort() {
    http.getAttribute(CHANNEL_ATTRIBUTE, Channel.class).ifPresent(Channel::close);
    release();
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
    if (announced.isPresent() && !received.fits(announced.getAsLong())) {
      fail(received.tooLarge());
      return;
    }
    bytes.toByteArrayPublisher().subscribe(new BodySubscriber(reply.code()));
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
        fail(request.failure("got no reply", null));
      }
    }
  }

  /** Collects the body; one byte past the limit cancels the stream and fails the exchange. */
  private final class BodySubscriber implements Subscriber<byte[]> {
    private final int status;

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
      if (!result.isDone() && !received.append(chunk, 0, chunk.length)) {
        fail(received.tooLarge());
      }
    }

    @Override
    public void onError(Throwable error) {
      fail(error);
    }

    @Override
    public void onComplete() {
      if (result.complete(received.response(status))) {
        release();
      }
    }
  }
}
