package com.ctcfile.token.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.BearerFailures;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.testkit.BearerIntegrationContractTest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
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
 * {@link CtcBearerHttpClient} through {@code sendAsync} passes the testkit's bearer contract, whose
 * provider then refuses the blocking methods; redirects reach the caller, as for {@code send}. And
 * what only {@code sendAsync} promises: it returns before the token is there, and cancelling its
 * future sends nothing or aborts the exchange in flight.
 */
class CtcBearerHttpClientSendAsyncTest extends BearerIntegrationContractTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @Override
  protected Client open(TokenProvider tokens, Setup setup) {
    return BearerContractClient.open(tokens, setup, (http, request) -> {
      try {
        return http.sendAsync(request, BodyHandlers.ofString()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        // the future fails with what the call failed with: hand exactly that to the contract
        throw BearerFailures.unwrap(e);
      }
    });
  }

  @Override
  protected Transport createTransport() {
    return JdkHttpClientTransport.create();
  }

  @Override
  protected boolean followsRedirects() {
    return false;
  }

  @Test
  @DisplayName("sendAsync returns at once while no token is there yet, and never calls the blocking token()")
  void neverBlocksTheCallingThread() throws Exception {
    CompletableFuture<Void> tokenArrives = new CompletableFuture<>();
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (TokenManager tokens = manager()) {
      CtcBearerHttpClient client = CtcBearerHttpClient.builder(new SlowToken(tokens, tokenArrives))
          .host(fakeHost()).build(HttpClient.newHttpClient());
      CompletableFuture<HttpResponse<String>> reply;
      try {
        // sendAsync from a thread of our own: a sendAsync that waits for the token must not hang the test
        CompletableFuture<CompletableFuture<HttpResponse<String>>> sending = CompletableFuture.supplyAsync(
            () -> client.sendAsync(get(), BodyHandlers.ofString()), caller);
        try {
          reply = sending.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException blocked) {
          throw new AssertionError("sendAsync() did not return while the token was on its way: it blocks the caller");
        }
        assertThat(reply).as("the call while the token is on its way").isNotDone();
        assertThat(server().accepted() + server().rejected()).as("requests that reached the API").isZero();
      } finally {
        tokenArrives.complete(null);
        caller.shutdown();
      }
      assertThat(reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("cancelling the future of a call still waiting for its token sends nothing")
  void cancelBeforeTheTokenSendsNothing() throws Exception {
    try (TokenManager tokens = manager()) {
      tokens.token();
      CompletableFuture<Void> tokenArrives = new CompletableFuture<>();
      CtcBearerHttpClient client = CtcBearerHttpClient.builder(new SlowToken(tokens, tokenArrives))
          .host(fakeHost()).build(HttpClient.newHttpClient());
      CompletableFuture<HttpResponse<String>> cancelled = client.sendAsync(get(), BodyHandlers.ofString());

      cancelled.cancel(true);
      // the manager holds a token, so this runs the cancelled call on to its send, here and now
      tokenArrives.complete(null);

      assertThat(cancelled).isCancelled();
      assertThat(client.sendAsync(get(), BodyHandlers.ofString()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS)
          .statusCode()).isEqualTo(200);
      assertThat(server().accepted()).as("requests that reached the API: the later call's only").isEqualTo(1);
    }
  }

  @Test
  @DisplayName("cancelling the future of a call in flight aborts its exchange and closes the connection")
  void cancelInFlightClosesTheConnection() throws Exception {
    try (TokenManager tokens = manager(); HoldingServer api = HoldingServer.withoutReply()) {
      CtcBearerHttpClient client = CtcBearerHttpClient.builder(tokens).host(api.uri("").getAuthority())
          .build(HttpClient.newHttpClient());
      CompletableFuture<HttpResponse<String>> reply =
          client.sendAsync(HttpRequest.newBuilder(api.uri("/orders")).build(), BodyHandlers.ofString());
      String head = api.requestHead().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(head).contains("Authorization: Bearer " + server().currentToken().orElseThrow());

      reply.cancel(true);

      api.closedByClient().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(reply).isCancelled();
    }
  }

  private TokenManager manager() {
    return TokenManager.builder().endpoint(server().endpoint()).clientId(server().clientId())
        .clientSecret(server().clientSecret()).transport(createTransport()).build();
  }

  private String fakeHost() {
    return server().endpoint().getAuthority();
  }

  private HttpRequest get() {
    return HttpRequest.newBuilder(server().protectedUri()).build();
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
