package com.ctcfile.token.core;

import static com.ctcfile.token.core.Fixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.core.port.TransportResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** However many threads ask at once, a node fetches once. */
class SingleFlightTest {

  private static final int THREADS = 64;
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void sixtyFourThreadsOnAColdManagerCauseOneFetch() throws Exception {
    ScriptedTransport transport = new ScriptedTransport();
    try (TokenManager manager = Fixture.builder(transport).build()) {
      CompletableFuture<TransportResponse> reply = transport.thenHold();

      List<Future<AccessToken>> calls = callConcurrently(manager);
      await().until(() -> transport.sends() == 1);
      reply.complete(transport.tokenReply());

      assertAllGotOneToken(calls, 1);
      assertThat(transport.sends()).isEqualTo(1);
    }
  }

  @Test
  void sixtyFourThreadsOnAnExpiredTokenCauseOneFetch() throws Exception {
    ManualClock clock = new ManualClock();
    ScriptedTransport transport = new ScriptedTransport().lifetime(seconds(60));
    // the manager's own real-time timer never fires during the test: nothing renews in the background
    try (TokenManager manager = Fixture.builder(transport).clock(clock).build()) {
      manager.token();
      clock.advance(seconds(61));
      CompletableFuture<TransportResponse> reply = transport.thenHold();

      List<Future<AccessToken>> calls = callConcurrently(manager);
      await().until(() -> transport.sends() == 2);
      reply.complete(transport.tokenReply());

      assertAllGotOneToken(calls, 2);
      assertThat(transport.sends()).isEqualTo(2);
    }
  }

  @Test
  void asyncCallersShareTheFetchToo() {
    ScriptedTransport transport = new ScriptedTransport();
    try (TokenManager manager = Fixture.builder(transport).build()) {
      CompletableFuture<TransportResponse> reply = transport.thenHold();
      List<CompletableFuture<AccessToken>> calls = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        calls.add(manager.tokenAsync().toCompletableFuture());
      }

      reply.complete(transport.tokenReply());

      assertThat(calls).allSatisfy(call -> assertThat(call.join().version()).isEqualTo(1));
      assertThat(transport.sends()).isEqualTo(1);
    }
  }

  private List<Future<AccessToken>> callConcurrently(TokenManager manager) {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<AccessToken>> calls = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      calls.add(pool.submit(() -> {
        start.await();
        return manager.token();
      }));
    }
    start.countDown();
    return calls;
  }

  private static void assertAllGotOneToken(List<Future<AccessToken>> calls, long version) throws Exception {
    AccessToken first = calls.get(0).get();
    assertThat(first.version()).isEqualTo(version);
    for (Future<AccessToken> call : calls) {
      assertThat(call.get()).isSameAs(first);
    }
  }
}
