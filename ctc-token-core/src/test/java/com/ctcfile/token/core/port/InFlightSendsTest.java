package com.ctcfile.token.core.port;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.TokenTransportException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The bookkeeping that lets a transport's close() fail the sends still running and refuse later ones. */
class InFlightSendsTest {

  private final TransportRequest request = new TransportRequest(
      URI.create("https://ctc.example/oauth/accesstoken?clientId=c&clientSecret=s3cret"), Duration.ofSeconds(10), 1024);
  private final InFlightSends sends = new InFlightSends();

  @Test
  @DisplayName("a send is held while it runs and forgotten once it completes, however it completes")
  void holdsASendUntilItCompletes() {
    CompletableFuture<TransportResponse> answered = sends.start(request);
    CompletableFuture<TransportResponse> failed = sends.start(request);
    CompletableFuture<TransportResponse> cancelled = sends.start(request);
    assertThat(answered).isNotDone();
    assertThat(sends.running()).isEqualTo(3);

    answered.complete(new TransportResponse(200, new byte[0]));
    failed.completeExceptionally(request.failure("failed", null));
    cancelled.cancel(true);

    assertThat(sends.running()).isZero();
  }

  @Test
  @DisplayName("close() fails every send still running, outcome unknown, and only the first close() says it closed")
  void closeFailsRunningSends() {
    CompletableFuture<TransportResponse> running = sends.start(request);

    assertThat(sends.close()).isTrue();

    assertThat(sends.isClosed()).isTrue();
    assertThat(running).isCompletedExceptionally();
    TokenTransportException failure = failureOf(running);
    assertThat(failure.outcomeUnknown()).as("the request may have reached the endpoint").isTrue();
    assertThat(failure).hasMessageContaining("aborted: the transport was closed").hasMessageNotContaining("s3cret");
    assertThat(sends.close()).as("a second close()").isFalse();
    assertThat(sends.running()).isZero();
  }

  @Test
  @DisplayName("after close() a send gets a stage already failed as not sent, and is not held")
  void refusesSendsAfterClose() {
    sends.close();

    CompletableFuture<TransportResponse> refused = sends.start(request);

    assertThat(refused).isDone();
    TokenTransportException failure = failureOf(refused);
    assertThat(failure.outcomeUnknown()).isFalse();
    assertThat(failure).hasMessageContaining("not sent: the transport is closed");
    assertThat(sends.running()).isZero();
  }

  private static TokenTransportException failureOf(CompletableFuture<TransportResponse> stage) {
    try {
      stage.join();
      throw new AssertionError("expected a failed stage");
    } catch (CompletionException e) {
      return (TokenTransportException) e.getCause();
    }
  }
}
