package com.ctcfile.token.core;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.port.TokenClock;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import com.ctcfile.token.core.wire.TokenReply;
import com.ctcfile.token.core.wire.TokenReplyDecoder;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One fetch from the token endpoint: send, bound by the fetch timeout, decode by the wire rules, and
 * note when the request was sent, since expiry counts from that moment. Every failure comes out as a
 * scrubbed {@link CtcTokenException} subtype.
 *
 * <p>Core owns the deadline (docs/ARCHITECTURE.md, "Transport port"): when it passes, or when the
 * returned future is cancelled (the manager closing), the transport's stage is cancelled, which the
 * transport answers by aborting the exchange.
 */
final class TokenFetcher {

  /** A decoded reply and the moment its request was sent. */
  record Fetched(TokenReply reply, long sentAtNanos, Instant sentAt) {

    long expiresAtNanos() {
      return sentAtNanos + reply.expiresIn().toNanos();
    }
  }

  private final Transport transport;
  private final Credentials credentials;
  private final TokenReplyDecoder decoder;
  private final TokenClock clock;
  private final Timeouts timeouts;

  TokenFetcher(Transport transport, Credentials credentials, TokenClock clock, Timeouts timeouts) {
    this.transport = transport;
    this.credentials = credentials;
    this.decoder = new TokenReplyDecoder(text -> credentials.redactor().redact(text),
        TransportRequest.DEFAULT_MAX_BODY_BYTES);
    this.clock = clock;
    this.timeouts = timeouts;
  }

  /** The redactor hiding the client's secrets, current and past. */
  Redactor redactor() {
    return credentials.redactor();
  }

  /** Sends the token request; cancelling the returned future aborts the exchange. */
  CompletableFuture<Fetched> fetch() {
    TransportRequest request = credentials.request();
    Redactor redactor = credentials.redactor();
    long sentAtNanos = clock.nanoTime();
    Instant sentAt = clock.instant();
    CompletionStage<TransportResponse> sent;
    try {
      sent = transport.send(request);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    Duration timeout = request.timeout();
    CompletableFuture<TransportResponse> exchange = sent.toCompletableFuture();
    CompletableFuture<Fetched> result = new CompletableFuture<>();
    timeouts.abortAfter(exchange, timeout, () -> new TokenTransportException("no reply from " + request.redactedUri()
            + " within " + timeout.toMillis() + " ms (the fetch timeout)", 0, true, null))
        .whenComplete((response, error) -> {
          if (error != null) {
            result.completeExceptionally(redactor.scrub(error, (message, cause) -> new TokenTransportException(
                "token request to " + request.redactedUri() + " failed: " + message, cause)));
            return;
          }
          try {
            result.complete(new Fetched(decoder.decode(response), sentAtNanos, sentAt));
          } catch (RuntimeException rejected) {
            result.completeExceptionally(redactor.scrub(rejected, CtcTokenException::new));
          }
        });
    result.whenComplete((fetched, error) -> {
      if (result.isCancelled()) {
        exchange.cancel(true);
      }
    });
    return result;
  }

  /** The whole-fetch timeout. */
  Duration timeout() {
    return credentials.request().timeout();
  }
}
