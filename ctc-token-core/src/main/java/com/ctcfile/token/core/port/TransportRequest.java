package com.ctcfile.token.core.port;

import com.ctcfile.token.TokenProtocolException;
import com.ctcfile.token.TokenTransportException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link Transport} sends: a GET of {@link #uri()} within {@link #timeout()}, reading at most
 * {@link #maxBodyBytes()} of the reply. Immutable.
 *
 * <p>The URI's query holds the client secret, so {@link #toString()} and {@link #redactedUri()} leave
 * the query out; use them in log lines and exception messages, never {@link #uri()}.
 */
public final class TransportRequest {

  /** The reply body limit core asks for: 64 KiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

  private final URI uri;
  private final Duration timeout;
  private final int maxBodyBytes;

  public TransportRequest(URI uri, Duration timeout, int maxBodyBytes) {
    this.uri = Objects.requireNonNull(uri, "uri");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBodyBytes);
    }
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The absolute URI to GET, query already encoded. Holds the secret: never log it. */
  public URI uri() {
    return uri;
  }

  /**
   * How long core lets the whole exchange, connect to last byte, take before it cancels the stage
   * {@link Transport#send} returned. An adapter needs no timer of its own for it; it may pass it to
   * its library's connect and response timeouts as a second guard.
   */
  public Duration timeout() {
    return timeout;
  }

  /** Read no more body than this; a longer body is a {@link com.ctcfile.token.TokenProtocolException}. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Scheme, authority and path of {@link #uri()}, without the query that carries the secret. */
  public String redactedUri() {
    return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath()
        + (uri.getRawQuery() == null ? "" : "?<redacted>");
  }

  /**
   * The exception an adapter completes with when this request fails: {@code "<this> <what>: <cause>"}.
   * If the cause's chain quotes the query, or a value in it, as some HTTP libraries' messages do, the
   * cause is replaced by a stand-in naming its type only. The outcome counts as unknown (see
   * {@link TokenTransportException#outcomeUnknown()}) unless the cause's chain shows that no
   * connection was made: a refused connection, an unknown host, no route.
   */
  public TokenTransportException failure(String what, Throwable cause) {
    Throwable safe = withoutQuery(cause);
    return new TokenTransportException(this + " " + what + (safe == null ? "" : ": " + QueryRedaction.describe(safe)),
        0, !SendFailures.neverConnected(cause), safe);
  }

  /**
   * The exception an adapter completes with when it did not send this request at all (it is closed,
   * say): {@code "<this> not sent: <why>"}, with a known outcome.
   */
  public TokenTransportException notSent(String why) {
    return new TokenTransportException(this + " not sent: " + why, 0, false, null);
  }

  /** {@code cause}, or a stand-in naming its type if its chain quotes this request's query. */
  public Throwable withoutQuery(Throwable cause) {
    return QueryRedaction.safeCause(cause, uri);
  }

  /** The exception an adapter completes with when the reply body exceeds {@link #maxBodyBytes()}. */
  public TokenProtocolException bodyTooLarge() {
    return new TokenProtocolException("reply body of " + redactedUri() + " exceeds " + maxBodyBytes + " bytes");
  }

  @Override
  public String toString() {
    return "GET " + redactedUri() + " (timeout " + timeout.toMillis() + " ms, max " + maxBodyBytes + " bytes)";
  }
}
