package com.ctcfile.token.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.core.port.FreshToken;
import com.ctcfile.token.core.port.FetchFailure;
import com.ctcfile.token.core.port.LeaseRequest;
import com.ctcfile.token.core.port.RenewalLease;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The store is always called from the manager's own thread, never from the caller's (an event loop,
 * say) nor from the HTTP client's I/O thread that completed the fetch.
 */
class StoreCallerThreadTest {

  private final List<String> storeCallers = new CopyOnWriteArrayList<>();

  private final CountingStore store = new CountingStore(new InMemoryTokenStore()) {
    @Override
    public CompletionStage<Optional<StoredToken>> read(TokenKey key) {
      storeCallers.add(Thread.currentThread().getName());
      return super.read(key);
    }

    @Override
    public CompletionStage<Optional<RenewalLease>> tryLease(LeaseRequest request) {
      storeCallers.add(Thread.currentThread().getName());
      return super.tryLease(request);
    }

    @Override
    public CompletionStage<Optional<StoredToken>> publish(RenewalLease lease, FreshToken token) {
      storeCallers.add(Thread.currentThread().getName());
      return super.publish(lease, token);
    }
  };

  @Test
  void storeMethodsRunOnTheManagersThreadWhoeverAskedAndWhoeverAnswered() throws Exception {
    ScriptedTransport transport = new ScriptedTransport();
    CompletableFuture<com.ctcfile.token.core.port.TransportResponse> reply = transport.thenHold();
    try (TokenManager manager = Fixture.builder(transport).store(store).build()) {
      CompletableFuture<com.ctcfile.token.AccessToken> token = new CompletableFuture<>();
      Thread eventLoop = new Thread(() -> manager.tokenAsync().whenComplete((t, e) -> token.complete(t)),
          "vert.x-eventloop-thread-0");
      eventLoop.start();
      eventLoop.join();
      Thread ioThread = new Thread(() -> reply.complete(transport.tokenReply()), "httpclient-dispatch-1");
      ioThread.start();
      ioThread.join();

      assertThat(token.get().version()).isEqualTo(1);
    }
    assertThat(storeCallers).hasSize(3).allSatisfy(name -> assertThat(name).startsWith("ctc-token-timer-"));
  }
}
