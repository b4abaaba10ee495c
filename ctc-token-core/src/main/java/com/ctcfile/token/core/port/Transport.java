package com.ctcfile.token.core.port;

import java.util.List;
import java.util.concurrent.CompletionStage;


/**
 * Sends the one HTTP request ctc-token needs: {@code GET {endpoint}/oauth/accesstoken?clientId=..&clientSecret=..}.
 *
 * <p>An adapter wraps one HTTP library; it knows nothing of tokens, JSON or retries, which core
 * handles. Implementations must be thread-safe: core calls {@link #send} from any thread, possibly
 * concurrently, and never from inside a lock.
 *
 * <p>Contract (the testkit's {@code TransportContractTest} checks every point):
 * <ul>
 *   <li>Send {@code GET} to {@link TransportRequest#uri()} exactly as given (its query is already
 *       encoded) with {@code Accept: application/json}; follow no redirects.
 *   <li>Never block the calling thread: return at once and complete the stage from the library's
 *       own threads.
 *   <li>Complete normally with any HTTP status, including 4xx and 5xx: judging the reply is core's job.
 *   <li>Read at most {@link TransportRequest#maxBodyBytes()} bytes of body. If the body is longer,
 *       stop reading, drop the connection and complete with
 *       {@link com.ctcfile.token.TokenProtocolException}.
 *   <li>Complete with {@link com.ctcfile.token.TokenTransportException} on I/O errors and refused or
 *       dropped connections, made with {@link TransportRequest#failure} (which tells a send that
 *       never connected from one whose outcome is unknown) or {@link TransportRequest#notSent}.
 *   <li>Core owns the deadline: it bounds the whole exchange by {@link TransportRequest#timeout()}
 *       and, when that passes or the manager closes, cancels the returned stage (its
 *       {@code toCompletableFuture().cancel(..)}). On cancel, abort the exchange at once and drop its
 *       connection; the library's own connect and read timeouts may stay as a second guard.
 *   <li>After {@link #close()}, fail every send with a {@link com.ctcfile.token.TokenTransportException}.
 *   <li>The URI carries the client secret: never log it and never put it in an exception message;
 *       use {@link TransportRequest#toString()}, which redacts the query.
 * </ul>
 */
public interface Transport extends AutoCloseable {

  /** Sends {@code request}; see the interface documentation for how the stage completes. */
  CompletionStage<TransportResponse> send(TransportRequest request);

  /**
   * The names of the HTTP library's loggers that are enabled right now at a level where they print
   * request lines or headers, and with them the token request's query, which holds the client
   * secret (HttpClient 5's {@code org.apache.hc.client5.http.headers} at DEBUG, say). The manager
   * logs one warning naming them when it starts. Empty when none is, or when the adapter cannot
   * tell.
   */
  default List<String> requestLoggersEnabled() {
    return List.of();
  }

  /**
   * Releases what this transport owns. A transport made around a caller's client never closes that
   * client. Idempotent.
   */
  @Override
  default void close() {}
}
