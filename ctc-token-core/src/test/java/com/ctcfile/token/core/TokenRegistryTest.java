package com.ctcfile.token.core;

import static com.ctcfile.token.core.Fixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Many client ids behind one registry: one provider each, shared resources, bounded threads, isolation. */
class TokenRegistryTest {

  private final ManualClock clock = new ManualClock();
  private final PerClientEndpoint endpoint = new PerClientEndpoint();

  private TokenRegistry.Builder registry() {
    return TokenRegistry.builder().endpoint(Fixture.ENDPOINT).transport(endpoint).clock(clock)
        .scheduler(clock.scheduler());
  }

  @Test
  void oneProviderPerClientIdCreatedOnFirstUseAndNothingFetchedBeforeItsFirstCall() {
    try (TokenRegistry tokens = registry().build()) {
      TokenManager a = tokens.provider("client-a", "secret-a");

      assertThat(tokens.provider("client-a", "secret-a")).isSameAs(a);
      assertThat(tokens.provider("client-b", "secret-b")).isNotSameAs(a);
      assertThat(tokens.size()).isEqualTo(2);
      assertThat(endpoint.fetches()).as("nothing before a first call").isZero();

      assertThat(a.token().value()).startsWith("client-a-");
      assertThat(endpoint.fetches()).isEqualTo(1);
    }
  }

  @Test
  void aNewSecretSwitchesTheClientForItsNextFetchWithoutFetching() {
    try (TokenRegistry tokens = registry().build()) {
      TokenManager a = tokens.provider("client-a", "old-secret");
      AccessToken first = a.token();

      assertThat(tokens.provider("client-a", "new-secret")).isSameAs(a);
      assertThat(endpoint.fetches()).isEqualTo(1);
      assertThat(a.token()).isSameAs(first);

      a.renewAfterRejection(first);

      assertThat(endpoint.secretsSeen("client-a")).containsExactly("old-secret", "new-secret");
    }
  }

  @Test
  void closingAProviderRemovesItAndLeavesTheSharedTransportStoreAndOtherClients() {
    try (TokenRegistry tokens = registry().build()) {
      TokenManager a = tokens.provider("client-a", "secret-a");
      TokenManager b = tokens.provider("client-b", "secret-b");
      a.token();

      a.close();

      assertThat(tokens.find("client-a")).isEmpty();
      assertThat(endpoint.closed).isFalse();
      assertThat(b.token().value()).startsWith("client-b-");
      TokenManager again = tokens.provider("client-a", "secret-a");
      assertThat(again).isNotSameAs(a);
      assertThat(again.token().value()).startsWith("client-a-");
    }
    assertThat(endpoint.closed).as("the registry closes the transport it was given").isTrue();
  }

  @Test
  void removeClosesThatProviderOnly() {
    try (TokenRegistry tokens = registry().build()) {
      TokenManager a = tokens.provider("client-a", "secret-a");
      a.token();

      assertThat(tokens.remove("client-a")).isTrue();
      assertThat(tokens.remove("client-a")).isFalse();

      assertThat(a.status().state()).isEqualTo(TokenStatus.State.CLOSED);
      assertThatThrownBy(a::token).hasMessageContaining("closed");
    }
  }

  @Test
  void aClientWithAWrongSecretBacksOffAloneWhileEveryOtherRenewsOnTime() {
    try (TokenRegistry tokens = registry().build()) {
      List<TokenManager> good = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        good.add(tokens.provider("client-" + i, "secret-" + i));
      }
      TokenManager wrong = tokens.provider("client-wrong", PerClientEndpoint.WRONG);
      good.forEach(TokenManager::token);
      assertThatThrownBy(wrong::token).isInstanceOf(CtcApiException.class);
      Map<String, Long> firstVersions = good.stream().collect(Collectors.toMap(m -> m.key().clientId(), m -> m.token().version()));

      for (int s = 0; s < 3600; s++) {
        clock.advance(seconds(1));
      }

      for (TokenManager manager : good) {
        assertThat(manager.status().state()).isEqualTo(TokenStatus.State.VALID);
        assertThat(manager.token().version()).as(manager.key().clientId() + " renewed on time")
            .isGreaterThan(firstVersions.get(manager.key().clientId()));
      }
      assertThat(wrong.status().state()).isEqualTo(TokenStatus.State.BACKING_OFF);
      // the ceiling of 30 s with full jitter: one attempt every 15 s on average, not one per renewal of the others
      assertThat(endpoint.requests("client-wrong")).as("backed off, not in a loop").isBetween(100, 400);
    }
  }

  @Test
  void theRegistryStartsAtMostItsOwnFewThreadsWhateverTheNumberOfClientsAndEndsThemOnClose() {
    int before = registryThreads();
    TokenRegistry tokens = TokenRegistry.builder().endpoint(Fixture.ENDPOINT).transport(endpoint).threads(3).build();
    for (int i = 0; i < 500; i++) {
      tokens.provider("client-" + i, "secret-" + i).token();
    }

    assertThat(registryThreads() - before).isLessThanOrEqualTo(3);

    tokens.close();
    // a pool is terminated a moment before its last thread has finished dying
    await().atMost(Duration.ofSeconds(5)).until(() -> registryThreads() == before);
  }

  private static int registryThreads() {
    return (int) Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("ctc-token-registry-")).count();
  }

  @Test
  void aLentSchedulerIsNeverShutDown() {
    TokenRegistry tokens = registry().build();
    tokens.provider("client-a", "secret-a").token();

    tokens.close();

    assertThat(clock.scheduler().isShutdown()).isFalse();
  }

  @Test
  void firstRenewalsOfClientsThatStartedTogetherAreSpreadOverThirtyPercentOfTheCycle() {
    try (TokenRegistry tokens = registry().build()) {
      int clients = 400;
      for (int i = 0; i < clients; i++) {
        tokens.provider("client-" + i, "secret-" + i).token();
      }
      // lifetime 3600 s, refresh ahead 300 s: renewal due at 3300 s; first renewals spread over 990 s before it
      for (int s = 0; s < 80; s++) {
        clock.advance(seconds(25));
      }
      assertThat(endpoint.fetches()).as("none before 2000 s").isEqualTo(clients);
      int[] startedPerStep = new int[60];
      int fetched = endpoint.fetches();
      for (int step = 0; step < 60; step++) {
        clock.advance(seconds(25));
        startedPerStep[step] = endpoint.fetches() - fetched;
        fetched = endpoint.fetches();
      }
      int renewed = endpoint.fetches() - clients;

      assertThat(renewed).isEqualTo(clients);
      for (int step = 0; step < 60; step++) {
        // 400 phases spaced by the golden ratio over 990 s: about 10 per 25 s, never a chance cluster
        assertThat(startedPerStep[step]).as("renewals started in one 25 s step (%d)", step)
            .isLessThanOrEqualTo(13);
      }
    }
  }

  @Test
  void atMostTheConfiguredNumberOfFetchesRunAtOnceAndTheRestWaitTheirTurnWithoutALease() {
    HeldEndpoint held = new HeldEndpoint();
    try (TokenRegistry tokens = TokenRegistry.builder().endpoint(Fixture.ENDPOINT).transport(held).clock(clock)
        .scheduler(clock.scheduler()).maxConcurrentFetches(3).build()) {
      List<CompletableFuture<AccessToken>> waiting = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        waiting.add(tokens.provider("client-" + i, "secret-" + i).tokenAsync().toCompletableFuture());
      }

      assertThat(held.inFlight()).as("fetches sent while three are under way").isEqualTo(3);
      for (int answered = 0; answered < 10; answered++) {
        held.answerOne();
        assertThat(held.inFlight()).isLessThanOrEqualTo(3);
      }

      assertThat(waiting).allSatisfy(token -> assertThat(token.join().value()).isNotBlank());
      assertThat(held.sends()).isEqualTo(10);
      assertThat(held.mostAtOnce()).isEqualTo(3);
    }
  }

  @Test
  void aRegistryRefusesALimitOfFetchesBelowOne() {
    assertThatThrownBy(() -> registry().maxConcurrentFetches(0)).hasMessageContaining("at least 1");
  }

  /** A token endpoint whose replies wait until the test answers them, one at a time, oldest first. */
  private static final class HeldEndpoint implements Transport {
    private final java.util.Deque<CompletableFuture<TransportResponse>> pending = new java.util.ArrayDeque<>();
    private int sends;
    private int mostAtOnce;

    @Override
    public synchronized CompletionStage<TransportResponse> send(TransportRequest request) {
      CompletableFuture<TransportResponse> reply = new CompletableFuture<>();
      pending.add(reply);
      sends++;
      mostAtOnce = Math.max(mostAtOnce, pending.size());
      return reply;
    }

    void answerOne() {
      CompletableFuture<TransportResponse> next;
      synchronized (this) {
        next = pending.poll();
      }
      if (next != null) {
        String body = "{\"access_token\":\"held-" + System.nanoTime() + "\",\"expires_in\":3600}";
        next.complete(new TransportResponse(200, body.getBytes(StandardCharsets.UTF_8)));
      }
    }

    synchronized int inFlight() {
      return pending.size();
    }

    synchronized int sends() {
      return sends;
    }

    synchronized int mostAtOnce() {
      return mostAtOnce;
    }
  }

  @Test
  void theRegistryNeedsAnEndpointAndATransportAndChecksTheCombinationOfTimes() {
    assertThatThrownBy(() -> TokenRegistry.builder().transport(endpoint).build()).hasMessageContaining("endpoint");
    assertThatThrownBy(() -> TokenRegistry.builder().endpoint(Fixture.ENDPOINT).build()).hasMessageContaining("transport");
    assertThatThrownBy(() -> registry().fetchTimeout(seconds(40)).build()).hasMessageContaining("leaseDuration");
    assertThatThrownBy(() -> registry().threads(5)).hasMessageContaining("1..4");
    try (TokenRegistry tokens = registry().build()) {
      assertThatThrownBy(() -> tokens.provider(" ", "s")).hasMessageContaining("clientId");
    }
  }

  /** A token endpoint that issues per client id and answers an errcode to the wrong secret. */
  private static final class PerClientEndpoint implements Transport {
    static final String WRONG = "wrong-secret";
    private final AtomicInteger fetches = new AtomicInteger();
    private final Map<String, List<String>> secrets = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    volatile boolean closed;

    @Override
    public CompletionStage<TransportResponse> send(TransportRequest request) {
      Map<String, String> query = query(request.uri().getRawQuery());
      String clientId = query.get("clientId");
      String secret = query.get("clientSecret");
      requests.computeIfAbsent(clientId, id -> new AtomicInteger()).incrementAndGet();
      secrets.computeIfAbsent(clientId, id -> new ArrayList<>()).add(secret);
      String body;
      if (WRONG.equals(secret)) {
        body = "{\"errcode\":\"40001\",\"errmsg\":\"invalid credential\",\"access_token\":\"\"}";
      } else {
        body = "{\"access_token\":\"" + clientId + "-" + fetches.incrementAndGet() + "\",\"expires_in\":3600}";
      }
      return CompletableFuture.completedFuture(new TransportResponse(200, body.getBytes(StandardCharsets.UTF_8)));
    }

    int fetches() {
      return fetches.get();
    }

    int requests(String clientId) {
      return requests.getOrDefault(clientId, new AtomicInteger()).get();
    }

    List<String> secretsSeen(String clientId) {
      return secrets.getOrDefault(clientId, List.of());
    }

    @Override
    public void close() {
      closed = true;
    }

    private static Map<String, String> query(String raw) {
      Map<String, String> params = new ConcurrentHashMap<>();
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
      return params;
    }
  }

  @Test
  void statusListsEveryClient() {
    try (TokenRegistry tokens = registry().build()) {
      tokens.provider("client-a", "secret-a").token();
      tokens.provider("client-b", "secret-b");

      assertThat(tokens.status()).extracting(status -> status.key().clientId() + " " + status.state())
          .containsExactlyInAnyOrder("client-a VALID", "client-b NO_TOKEN");
      assertThat(tokens.toString()).contains("clients=2").doesNotContain("secret");
    }
  }

  @Test
  void aClosedRegistryRefusesNewProviders() {
    TokenRegistry tokens = registry().build();
    tokens.close();

    assertThatThrownBy(() -> tokens.provider("client-a", "secret-a")).isInstanceOf(IllegalStateException.class);
    assertThat(Duration.ZERO).isZero();
  }
}
