package com.ctcfile.token.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenProvider;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link CtcBearerHttpClient} through {@code sendAsync}. The provider it gets refuses the blocking
 * methods, so every test here also shows that {@code sendAsync} only ever asks for tokens without
 * blocking.
 */
class CtcBearerHttpClientSendAsyncTest extends BearerHttpClientBehaviour {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @Override
  protected TokenProvider provider(TokenProvider tokens) {
    return new NonBlockingOnly(tokens);
  }

  @Override
  protected Reply send(CtcBearerHttpClient client, HttpRequest request) throws Exception {
    return send(client, request, HttpResponse.BodyHandlers.ofString());
  }

  @Override
  protected Reply send(CtcBearerHttpClient client, HttpRequest request, HttpResponse.BodyHandler<String> handler)
      throws Exception {
    try {
      HttpResponse<String> response = client.sendAsync(request, handler).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return new Reply(response.statusCode(), response.body());
    } catch (ExecutionException e) {
      // the future fails with what the call failed with: hand exactly that to the test
      if (e.getCause() instanceof Exception) {
        throw (Exception) e.getCause();
      }
      throw e;
    }
  }

  @Test
  @DisplayName("sendAsync returns at once while no token is there yet, and never calls the blocking token()")
  void neverBlocksTheCallingThread() throws Exception {
    CompletableFuture<Void> tokenArrives = new CompletableFuture<>();
    CtcBearerHttpClient client = CtcBearerHttpClient.builder(new SlowToken(tokens, tokenArrives))
        .host(ctcHostAndPort()).build(wrappedClient());
    ExecutorService caller = Executors.newSingleThreadExecutor();
    CompletableFuture<HttpResponse<String>> reply;
    try {
      // sendAsync from a thread of our own: a sendAsync that waits for the token must not hang the test
      CompletableFuture<CompletableFuture<HttpResponse<String>>> sending = CompletableFuture.supplyAsync(
          () -> client.sendAsync(get(server.protectedUri()), HttpResponse.BodyHandlers.ofString()), caller);
      try {
        reply = sending.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException blocked) {
        throw new AssertionError("sendAsync() did not return while the token was on its way: it blocks the caller");
      }
      assertThat(reply).as("the call while the token is on its way").isNotDone();
      assertThat(server.accepted() + server.rejected()).as("requests that reached the API").isZero();
    } finally {
      tokenArrives.complete(null);
      caller.shutdown();
    }
    assertThat(reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("cancelling the future of a call still waiting for its token sends nothing")
  void cancelBeforeTheTokenSendsNothing() throws Exception {
    tokens.token();
    CompletableFuture<Void> tokenArrives = new CompletableFuture<>();
    CtcBearerHttpClient client = CtcBearerHttpClient.builder(new SlowToken(tokens, tokenArrives))
        .host(ctcHostAndPort()).build(wrappedClient());
    CompletableFuture<HttpResponse<String>> cancelled =
        client.sendAsync(get(server.protectedUri()), HttpResponse.BodyHandlers.ofString());

    cancelled.cancel(true);
    // the manager holds a token, so this runs the cancelled call on to its send, here and now
    tokenArrives.complete(null);

    assertThat(cancelled).isCancelled();
    assertThat(send(client, get(server.protectedUri())).status()).isEqualTo(200);
    assertThat(server.accepted()).as("requests that reached the API: the later call's only").isEqualTo(1);
  }

  @Test
  @DisplayName("cancelling the future of a call in flight aborts its exchange and closes the connection")
  void cancelInFlightClosesTheConnection() throws Exception {
    try (HoldingServer api = HoldingServer.withoutReply()) {
      CtcBearerHttpClient client = bearer().host(api.uri("").getAuthority()).build(wrappedClient());
      CompletableFuture<HttpResponse<String>> reply =
          client.sendAsync(get(api.uri("/orders")), HttpResponse.BodyHandlers.ofString());
      String head = api.requestHead().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(head).contains("Authorization: " + currentAuthorization());

      reply.cancel(true);

      api.closedByClient().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(reply).isCancelled();
    }
  }

  /** Passes on the non-blocking methods; a blocking call from sendAsync fails the test. */
  private static final class NonBlockingOnly implements TokenProvider {
    private final TokenProvider tokens;

    NonBlockingOnly(TokenProvider tokens) {
      this.tokens = tokens;
    }

    @Override
    public AccessToken token() {
      throw new AssertionError("sendAsync called the blocking token()");
    }

    @Override
    public CompletionStage<AccessToken> tokenAsync() {
      return tokens.tokenAsync();
    }

    @Override
    public AccessToken renewAfterRejection(AccessToken rejected) {
      throw new AssertionError("sendAsync called the blocking renewAfterRejection()");
    }

    @Override
    public CompletionStage<AccessToken> renewAfterRejectionAsync(AccessToken rejected) {
      return tokens.renewAfterRejectionAsync(rejected);
    }

    @Override
    public void close() {
      // the test closes the manager itself
    }
  }

  /** A provider whose token arrives only when the test says: token() blocks until then, tokenAsync() does not. */
  private static final class SlowToken implements TokenProvider {
    private final TokenProvider tokens;
    private final CompletableFuture<Void> arrives;

    SlowToken(TokenProvider tokens, CompletableFuture<Void> arrives) {
      this.tokens = tokens;
      this.arrives = arrives;
    }

    @Override
    public AccessToken token() {
      arrives.join();
      return tokens.token();
    }

    @Override
    public CompletionStage<AccessToken> tokenAsync() {
      return arrives.thenCompose(ready -> tokens.tokenAsync());
    }

    @Override
    public AccessToken renewAfterRejection(AccessToken rejected) {
      return tokens.renewAfterRejection(rejected);
    }

    @Override
    public CompletionStage<AccessToken> renewAfterRejectionAsync(AccessToken rejected) {
      return tokens.renewAfterRejectionAsync(rejected);
    }

    @Override
    public void close() {
      // the test closes the manager itself
    }
  }
}
