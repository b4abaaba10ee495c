package com.ctcfile.token.core.internal;

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
 */
public final class TokenFetcher {

  /** A decoded reply and the moment its request was sent. */
  public record Fetched(TokenReply reply, long sentAtNanos, Instant sentAt) {

    public long expiresAtNanos() {
      return sentAtNanos + reply.expiresIn().toNanos();
    }
  }

  private final Transport transport;
  private final TransportRequest request;
  private final TokenReplyDecoder decoder;
  private final Redactor redactor;
  private final TokenClock clock;
  private final Timeouts timeouts;

  public TokenFetcher(Transport transport, TransportRequest request, Redactor redactor, TokenClock clock, Timeouts timeouts) {
    this.transport = transport;
    this.request = request;
    this.decoder = new TokenReplyDecoder(redactor::redact, request.maxBodyBytes());
    this.redactor = redactor;
    this.clock = clock;
    this.timeouts = timeouts;
  }

  public CompletionStage<Fetched> fetch() {
    long sentAtNanos = clock.nanoTime();
    Instant sentAt = clock.instant();
    CompletionStage<TransportResponse> sent;
    try {
      sent = transport.send(request);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    Duration timeout = request.timeout();
    return timeouts.within(sent, timeout, () -> new TokenTransportException(
            "no reply from " + request.redactedUri() + " within " + timeout.toMillis() + " ms", null))
        .handle((response, error) -> {
          if (error != null) {
            throw redactor.scrub(error, (message, cause) -> new TokenTransportException(
                "token request to " + request.redactedUri() + " failed: " + message, cause));
          }
          try {
            return new Fetched(decoder.decode(response), sentAtNanos, sentAt);
          } catch (RuntimeException rejected) {
            throw redactor.scrub(rejected, CtcTokenException::new);
          }
        });
  }

  /** The whole-fetch timeout. */
  public Duration timeout() {
    return request.timeout();
  }
}
