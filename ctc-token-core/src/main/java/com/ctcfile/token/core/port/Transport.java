package com.ctcfile.token.core.port;

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
 *   <li>Complete with {@link com.ctcfile.token.TokenTransportException} on I/O errors, refused or
 *       dropped connections and when the whole exchange, connect to last byte, exceeds
 *       {@link TransportRequest#timeout()}.
 *   <li>The URI carries the client secret: never log it and never put it in an exception message;
 *       use {@link TransportRequest#toString()}, which redacts the query.
 * </ul>
 */
public interface Transport extends AutoCloseable {

  /** Sends {@code request}; see the interface documentation for how the stage completes. */
  CompletionStage<TransportResponse> send(TransportRequest request);

  /**
   * Releases what this transport owns. A transport made around a caller's client never closes that
   * client. Idempotent.
   */
  @Override
  default void close() {}
}
