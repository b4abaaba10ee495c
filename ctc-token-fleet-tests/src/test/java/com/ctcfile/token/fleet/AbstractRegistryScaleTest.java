package com.ctcfile.token.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenRegistry;
import com.ctcfile.token.core.TokenStatus;
import com.ctcfile.token.core.port.TokenEventListener.FetchReason;
import com.ctcfile.token.core.port.TokenStore;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.transport.httpclient5.HttpClient5Transport;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * One {@link TokenRegistry} of many clients against a {@link FakeCtcServer} that knows them all, through
 * one owned {@link HttpClient5Transport} and one store: every client holds a token the server accepts,
 * the library's threads stay a few whatever the number of clients and are gone after {@code close()},
 * a removed client stops renewing, and one client with a wrong secret backs off alone while every
 * other renews on time. One concrete subclass per store.
 *
 * <p>Threads are counted by a {@link ThreadCensus}: each test runs on a thread group of its own, so the
 * test classes running side by side do not disturb the count. Tokens live a few seconds
 * ({@link #lifetime()}), so renewals happen within each test.
 *
 * <p>The clients ask for their first tokens {@value #ASKING_AT_ONCE} at a time: the transport's pool
 * has five connections to the server, and a fetch's timeout counts the wait for one, so thousands of
 * clients asking at once on a loaded machine would time out in the pool's queue.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
abstract class AbstractRegistryScaleTest {

  static final int REGISTRY_THREADS = 2;
  // HttpClient5Transport.create(): its client's one I/O thread and the single-thread executor that
  // HttpClient keeps for starting and stopping the I/O reactor
  static final int TRANSPORT_THREADS = 2;
  static final int ASKING_AT_ONCE = 64;
  static final Duration BODY_LIMIT = Duration.ofSeconds(75);
  static final Duration BACKOFF_MIN = Duration.ofSeconds(1);
  static final Duration BACKOFF_MAX = Duration.ofSeconds(4);
  static final String WRONG_CLIENT = "client-wrong";

  /** How many clients the registry holds. */
  abstract int clients();

  /** The store's name in figures and messages. */
  abstract String storeName();

  /**
   * The store of one test's registry, made on the census's thread (so the census counts its threads);
   * {@code null} for the registry's in-memory store. What must be closed after the registry goes to
   * {@code afterRegistry}.
   */
  abstract TokenStore newStore(List<AutoCloseable> afterRegistry);

  /** The most threads the store starts. */
  abstract int storeThreads();

  /**
   * How long the server's tokens live in the tests that watch renewals. Default 8 s: with
   * {@link #refreshAhead()} a renewal every 4 s (the first up to 30 % of that sooner); one may start up
   * to a quarter of the refresh-ahead window late and still has 3 s to complete on a loaded machine.
   */
  Duration lifetime() {
    return Duration.ofSeconds(8);
  }

  /** How long before expiry a token is renewed. Default 4 s. */
  Duration refreshAhead() {
    return Duration.ofSeconds(4);
  }

  private Duration cycle() {
    return lifetime().minus(refreshAhead());
  }

  private final List<AutoCloseable> afterRegistry = new ArrayList<>();
  private final List<FakeCtcServer> servers = new ArrayList<>();

  @AfterEach
  void closeWhatTheTestMade() throws Exception {
    for (int i = afterRegistry.size() - 1; i >= 0; i--) {
      afterRegistry.get(i).close();
    }
    afterRegistry.clear();
    servers.forEach(FakeCtcServer::close);
    servers.clear();
    afterClose();
  }

  /** Runs after each test, once its registry, store and server are closed. */
  void afterClose() {}

  @Test
  void everyClientHoldsATokenTheServerAcceptsOnAFewSharedThreadsAllEndedByClose() throws Exception {
    ThreadCensus census = new ThreadCensus();
    census.run(BODY_LIMIT, () -> {
      // tokens that outlive the test: no renewal replaces the ones the API is called with
      Scenario scenario = new Scenario(Duration.ofHours(1), UnaryOperator.identity());
      scenario.provider(0).token();
      Map<String, Integer> withOne = census.libraryThreads();

      Map<String, AccessToken> tokens = scenario.tokenOfEveryClient();
      Map<String, Integer> withAll = census.libraryThreads();

      assertThat(scenario.refusedByTheApi(tokens)).as("clients whose token the API refused").isEmpty();
      assertThat(scenario.server.fetches()).as("one fetch per client").isEqualTo(clients());
      assertWithinTheBound(withAll);
      assertThat(total(withAll)).as("threads with %d clients, against %s with one", clients(), withOne)
          .isLessThanOrEqualTo(REGISTRY_THREADS + TRANSPORT_THREADS + storeThreads());
      System.out.printf("REGISTRY-FIGURES test=threads store=%s clients=%d withOne=%s withAll=%s%n",
          storeName(), clients(), withOne, withAll);

      scenario.registry.close();
      awaitNoLibraryThread(census);
    });
  }

  @Test
  void aRemovedClientStopsRenewingAndLeavesNoThreadBehind() throws Exception {
    ThreadCensus census = new ThreadCensus();
    census.run(BODY_LIMIT, () -> {
      Scenario scenario = new Scenario(lifetime(), UnaryOperator.identity());
      scenario.tokenOfEveryClient();
      List<String> removed = scenario.ids.subList(0, clients() / 2);
      List<String> kept = scenario.ids.subList(clients() / 2, clients());
      Map<String, Integer> before = census.libraryThreads();

      List<TokenManager> closed = new ArrayList<>();
      for (String id : removed) {
        closed.add(scenario.registry.find(id).orElseThrow());
        assertThat(scenario.registry.remove(id)).isTrue();
      }
      Map<String, Integer> requestsAtRemoval = scenario.tokenRequestsOf(removed);
      long removedAt = System.nanoTime();
      // every removed client's token would have been renewed by now, and every kept one's was
      scenario.awaitEvery(kept, counts -> counts.succeeded.get() >= 2, "renewed once");
      sleepUntil(removedAt + cycle().toNanos());

      assertThat(scenario.registry.size()).isEqualTo(kept.size());
      assertThat(closed).allSatisfy(m -> assertThat(m.status().state()).isEqualTo(TokenStatus.State.CLOSED));
      assertThat(scenario.tokenRequestsOf(removed)).as("token requests of the removed clients")
          .isEqualTo(requestsAtRemoval);
      Map<String, Integer> after = census.libraryThreads();
      assertWithinTheBound(after);
      assertThat(total(after)).as("threads after removing %d clients, against %s before", removed.size(), before)
          .isLessThanOrEqualTo(REGISTRY_THREADS + TRANSPORT_THREADS + storeThreads());
      assertThat(scenario.refusedByTheApi(kept)).as("kept clients whose current token the API refused").isEmpty();

      scenario.registry.close();
      awaitNoLibraryThread(census);
    });
  }

  @Test
  void aClientWithAWrongSecretBacksOffAloneWhileEveryOtherRenewsOnTime() throws Exception {
    ThreadCensus census = new ThreadCensus();
    census.run(BODY_LIMIT, () -> {
      Scenario scenario = new Scenario(lifetime(), registry -> registry.retryBackoff(BACKOFF_MIN, BACKOFF_MAX));
      scenario.tokenOfEveryClient();
      TokenManager wrong = scenario.registry.provider(WRONG_CLIENT, "not-" + secretOf(WRONG_CLIENT));
      long started = System.nanoTime();
      assertThatThrownBy(wrong::token).isInstanceOf(CtcApiException.class);

      // two renewals of every good client; meanwhile none of them may be without a valid token
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      List<String> withoutToken = new ArrayList<>();
      while (!scenario.every(scenario.ids, counts -> counts.succeeded.get() >= 3) && System.nanoTime() < deadline) {
        for (String id : scenario.ids) {
          if (!scenario.registry.find(id).orElseThrow().status().hasValidToken()) {
            withoutToken.add(id);
          }
        }
        Thread.sleep(200);
      }
      double windowSeconds = (System.nanoTime() - started) / 1e9;
      int wrongRequests = scenario.server.tokenRequests(WRONG_CLIENT);

      assertThat(scenario.ids).as("clients that did not renew twice within 40 s")
          .allSatisfy(id -> assertThat(scenario.events.of(id).succeeded.get()).as(id).isGreaterThanOrEqualTo(3));
      assertThat(withoutToken).as("good clients seen without a valid token").isEmpty();
      assertThat(scenario.ids).as("good clients renewed ahead of expiry and never failed").allSatisfy(id -> {
        ClientEvents.Counts counts = scenario.events.of(id);
        assertThat(counts.started(FetchReason.EXPIRED)).as("%s: renewals of an expired token", id).isZero();
        assertThat(counts.failed.get()).as("%s: failed fetches", id).isZero();
      });
      assertThat(scenario.refusedByTheApi(scenario.ids)).as("clients whose current token the API refused").isEmpty();
      // between its attempts; an attempt (store calls, then the fetch) may be under way at any moment
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
          .until(() -> wrong.status().state() == TokenStatus.State.BACKING_OFF);
      assertThat(wrong.status().hasValidToken()).isFalse();
      assertThat(scenario.server.fetches(WRONG_CLIENT)).isZero();
      // it kept trying, but no sooner than the backoff's floor after each attempt
      assertThat(wrongRequests).as("token requests of the wrong secret in %.1f s", windowSeconds)
          .isBetween(2, (int) (windowSeconds / BACKOFF_MIN.toSeconds()) + 2);
      System.out.printf("REGISTRY-FIGURES test=wrongSecret store=%s clients=%d windowSeconds=%.1f wrongRequests=%d"
          + " renewals=%d%n", storeName(), clients(), windowSeconds, wrongRequests,
          scenario.server.fetches() - clients());

      scenario.registry.close();
      awaitNoLibraryThread(census);
    });
  }

  private void assertWithinTheBound(Map<String, Integer> threads) {
    assertThat(threads.keySet()).as("roles of the library's threads (no manager of its own, no other pool)")
        .isSubsetOf("registry", "httpclient5", "jdbc-store");
    assertThat(threads.getOrDefault("registry", 0)).as("registry timers").isLessThanOrEqualTo(REGISTRY_THREADS);
    assertThat(threads.getOrDefault("httpclient5", 0)).as("transport").isLessThanOrEqualTo(TRANSPORT_THREADS);
    assertThat(threads.getOrDefault("jdbc-store", 0)).as("store").isLessThanOrEqualTo(storeThreads());
  }

  static String secretOf(String clientId) {
    return "secret-of-" + clientId;
  }

  private static int total(Map<String, Integer> threads) {
    return threads.values().stream().mapToInt(Integer::intValue).sum();
  }

  private static void awaitNoLibraryThread(ThreadCensus census) throws InterruptedException {
    // a pool is terminated a moment before its last thread has finished dying
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (census.libraryThreadCount() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(census.libraryThreads()).as("library threads after close").isEmpty();
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  /** A server that knows every client (and the wrong-secret one) and a registry on the subclass's store. */
  private final class Scenario {
    final List<String> ids = new ArrayList<>();
    final FakeCtcServer server;
    final ClientEvents events = new ClientEvents();
    final TokenRegistry registry;
    private final HttpClient api = HttpClient.newHttpClient();

    Scenario(Duration lifetime, UnaryOperator<TokenRegistry.Builder> customize) {
      Map<String, String> clients = new LinkedHashMap<>();
      for (int i = 0; i < clients(); i++) {
        String id = "client-" + i;
        ids.add(id);
        clients.put(id, secretOf(id));
      }
      clients.put(WRONG_CLIENT, secretOf(WRONG_CLIENT));
      server = FakeCtcServer.builder().tokenLifetime(lifetime).clients(clients).build().start();
      servers.add(server);
      TokenRegistry.Builder builder = TokenRegistry.builder()
          .endpoint(server.endpoint())
          .transport(HttpClient5Transport.create())
          .threads(REGISTRY_THREADS)
          .refreshAhead(refreshAhead())
          .listener(events);
      TokenStore store = newStore(afterRegistry);
      if (store != null) {
        builder.store(store);
      }
      registry = customize.apply(builder).build();
      afterRegistry.add(registry);
    }

    TokenManager provider(int index) {
      String id = ids.get(index);
      return registry.provider(id, secretOf(id));
    }

    /** Asks every client for its token, {@value #ASKING_AT_ONCE} at a time, and waits for all of them. */
    Map<String, AccessToken> tokenOfEveryClient() throws Exception {
      Semaphore asking = new Semaphore(ASKING_AT_ONCE);
      Map<String, CompletableFuture<AccessToken>> pending = new LinkedHashMap<>();
      for (int i = 0; i < ids.size(); i++) {
        asking.acquire();
        CompletableFuture<AccessToken> token = provider(i).tokenAsync().toCompletableFuture();
        token.whenComplete((t, failure) -> asking.release());
        pending.put(ids.get(i), token);
      }
      CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new)).get(40, TimeUnit.SECONDS);
      Map<String, AccessToken> tokens = new LinkedHashMap<>();
      pending.forEach((id, token) -> tokens.put(id, token.join()));
      return tokens;
    }

    /**
     * The clients whose current token the protected API refused. Renewals go on meanwhile, and between
     * the server issuing a client's new token and the client holding it (its publish to the store) the
     * server refuses the old one: a refused client is asked again once its renewal ended, that is once
     * it holds a newer token, for up to 5 s. A client that holds a dead token for longer is refused.
     */
    List<String> refusedByTheApi(List<String> clientIds) throws Exception {
      Map<String, AccessToken> tokens = new LinkedHashMap<>();
      for (String id : clientIds) {
        tokens.put(id, registry.find(id).orElseThrow().token());
      }
      List<String> refused = new ArrayList<>();
      for (String id : refusedByTheApi(tokens)) {
        String clientId = id.substring(0, id.indexOf(' '));
        if (!acceptedOnceRenewed(registry.find(clientId).orElseThrow(), tokens.get(clientId))) {
          refused.add(id);
        }
      }
      return refused;
    }

    private boolean acceptedOnceRenewed(TokenManager client, AccessToken refused) throws Exception {
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      AccessToken seen = refused;
      while (System.nanoTime() < deadline) {
        AccessToken now = client.token();
        if (now.version() != seen.version()) {
          if (status(now) == 200) {
            return true;
          }
          seen = now;
        }
        Thread.sleep(100);
      }
      return false;
    }

    Map<String, Integer> tokenRequestsOf(List<String> clientIds) {
      return clientIds.stream().collect(Collectors.toMap(id -> id, server::tokenRequests));
    }

    boolean every(List<String> clientIds, Predicate<ClientEvents.Counts> condition) {
      return clientIds.stream().allMatch(id -> condition.test(events.of(id)));
    }

    void awaitEvery(List<String> clientIds, Predicate<ClientEvents.Counts> condition, String what)
        throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!every(clientIds, condition) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(clientIds).as("clients that %s within 30 s", what)
          .allSatisfy(id -> assertThat(condition.test(events.of(id))).as("%s: %s", id, events.of(id)).isTrue());
    }

    /** The clients whose token the protected API did not answer with 200 ("id (status)"), called four at a time. */
    List<String> refusedByTheApi(Map<String, AccessToken> tokens) throws Exception {
      List<String> refused = new ArrayList<>();
      Map<String, Integer> statuses = new ConcurrentHashMap<>();
      List<Map.Entry<String, AccessToken>> entries = new ArrayList<>(tokens.entrySet());
      int callers = 4;
      ExecutorService pool = Executors.newFixedThreadPool(callers);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
          int caller = c;
          done.add(pool.submit(() -> {
            for (int i = caller; i < entries.size(); i += callers) {
              Map.Entry<String, AccessToken> entry = entries.get(i);
              statuses.put(entry.getKey(), status(entry.getValue()));
            }
            return null;
          }));
        }
        for (Future<?> caller : done) {
          caller.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      tokens.keySet().forEach(id -> {
        if (statuses.get(id) != 200) {
          refused.add(id + " (" + statuses.get(id) + ")");
        }
      });
      return refused;
    }

    private int status(AccessToken token) throws IOException, InterruptedException {
      HttpRequest request = HttpRequest.newBuilder(server.protectedUri())
          .header("Authorization", "Bearer " + token.value()).build();
      return api.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
  }
}
