package com.ctcfile.token.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.RenewalRateLimitedException;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.port.Transport;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of a bearer integration (a client filter, interceptor or wrapper that puts the CTC
 * token on an HTTP client's requests), as a JUnit 5 base class that the test of every integration
 * extends: against a {@link FakeCtcServer} (token endpoint and protected API), an API host on
 * 127.0.0.1 that records what it gets, and another host on 127.0.0.2 that must never see the token.
 *
 * <pre>{@code
 * class ClassicBearerContractTest extends BearerIntegrationContractTest {
 *   protected Transport createTransport() { return HttpClient5Transport.create(); }
 *   protected boolean mayBlock() { return true; }             // the classic client blocks anyway
 *   protected Client open(TokenProvider tokens, Setup setup) {
 *     CtcBearerAuth.Builder auth = CtcBearerAuth.builder(tokens).allowInsecureHttp(setup.allowInsecureHttp());
 *     setup.hosts().forEach(auth::host);
 *     CloseableHttpClient http = auth.build().install(HttpClients.custom()).build();   // resolving NAMES_ON_LOOPBACK
 *     return new Client() { ... send with http.execute(..) ... };
 *   }
 * }
 * }</pre>
 *
 * <p>What passes: the token only on requests to the configured hosts (port, case and a trailing dot
 * included, names compared literally), never after a redirect to another host, never on an absolute
 * URI to another host, never because of a service id alone; plain http refused except to loopback
 * with the integration's typed error; a 401 renewed through {@code renewAfterRejection(rejected)} and
 * a repeatable request replayed once with the same method, headers and body, a second 401 reaching
 * the caller, a body that cannot be sent again not replayed; the provider's failures, a
 * {@link RenewalRateLimitedException} included, reaching the caller as the typed errors they are; 32
 * concurrent calls meeting one 401 causing one renewal; and, unless {@link #mayBlock()}, only the
 * provider's async methods called. Each test gets its own servers and clients.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class BearerIntegrationContractTest {

  /**
   * Host names the clients under test must resolve to 127.0.0.1, with their HTTP library's resolver
   * hook, a hosts file or the like: the contract uses them to reach loopback servers under names that
   * are not loopback (to show plain http refused) or that differ from {@code 127.0.0.1} (to show
   * names are compared literally).
   */
  public static final List<String> NAMES_ON_LOOPBACK = List.of("api.ctc.test", "alias.test");

  /** The body a test sends with {@link Body#REPEATABLE} or {@link Body#ONE_SHOT}. */
  public static final String PAYLOAD = "{\"order\":42}";

  /** A request body: none, one the client can send again, or one it can send only once (a stream). */
  public enum Body { NONE, REPEATABLE, ONE_SHOT }

  /** What the caller got: the status and the body as text. */
  public record Reply(int status, String body) {}

  /**
   * How to configure the client under test. Immutable.
   *
   * @param hosts the hosts ({@code name[:port]}) that get the token; never empty
   * @param allowInsecureHttp whether plain http to hosts that are not loopback is allowed
   * @param serviceIds the service ids the integration is configured with (only for integrations with
   *     {@link #hasServiceIds() service ids}); empty for none
   * @param clientServiceId for integrations with service ids, the id of the client to open (a client
   *     of that service whose base URL is {@code clientBaseUrl}); empty for a plain client
   * @param clientBaseUrl the base URL of that service client; {@code null} without one
   */
  public record Setup(List<String> hosts, boolean allowInsecureHttp, List<String> serviceIds,
      Optional<String> clientServiceId, URI clientBaseUrl) {
    public Setup {
      hosts = List.copyOf(hosts);
      serviceIds = List.copyOf(serviceIds);
      Objects.requireNonNull(clientServiceId, "clientServiceId");
    }

    static Setup hosts(String... hosts) {
      return new Setup(List.of(hosts), false, List.of(), Optional.empty(), null);
    }

    Setup allowingInsecureHttp() {
      return new Setup(hosts, true, serviceIds, clientServiceId, clientBaseUrl);
    }

    Setup serviceClient(List<String> configuredIds, String clientId, URI baseUrl) {
      return new Setup(hosts, allowInsecureHttp, configuredIds, Optional.of(clientId), baseUrl);
    }
  }

  /** A client of the integration under test, as {@link #open} made it. */
  public interface Client extends AutoCloseable {

    /**
     * Sends a request and waits for its reply.
     *
     * @param uri always absolute, also for a service client
     * @param headers extra request headers
     * @param body what body to send; {@code content} is its text
     * @return status and body of what the caller finally got (a 4xx or 5xx reply included, even where
     *     the integration's API reports those as exceptions)
     * @throws Exception the integration's typed error as its caller sees it, unwrapped from any
     *     future: for example the provider's {@link CtcTokenException}
     */
    Reply send(String method, URI uri, Map<String, String> headers, Body body, String content) throws Exception;

    @Override
    void close() throws Exception;
  }

  private FakeCtcServer server;
  private ApiRecorder api;
  private ApiRecorder otherHost;
  private TokenManager tokens;
  private WatchedProvider provider;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  /**
   * A client of the integration under test taking its tokens from {@code tokens}, configured as
   * {@code setup} says, following redirects as the HTTP library does by default, and resolving
   * {@link #NAMES_ON_LOOPBACK} to 127.0.0.1. The base closes it after the test.
   */
  protected abstract Client open(TokenProvider tokens, Setup setup) throws Exception;

  /** A transport for the test's token managers, usually the integration's own module's. */
  protected abstract Transport createTransport();

  /**
   * Whether the integration may call the provider's blocking methods: true only for integrations
   * whose own calls block their caller anyway (a classic client). Default false: the provider the
   * integration gets then fails every blocking call, so an integration that would block an I/O or
   * event-loop thread fails the contract.
   */
  protected boolean mayBlock() {
    return false;
  }

  /** Whether the integration is configured with service ids, which narrow the hosts. Default false. */
  protected boolean hasServiceIds() {
    return false;
  }

  /** The longest wait for a condition; a limit, not an expectation. Default 15 s. */
  protected Duration completionWait() {
    return Duration.ofSeconds(15);
  }

  /** The server of the running test. */
  protected final FakeCtcServer server() {
    return server;
  }

  @BeforeEach
  final void startServersAndTokens() {
    server = FakeCtcServer.builder().build().start();
    api = ApiRecorder.checkingTokens("127.0.0.1", server::currentToken);
    otherHost = ApiRecorder.open("127.0.0.2");
    tokens = manager(server.clientSecret());
    provider = new WatchedProvider(tokens, mayBlock());
  }

  @AfterEach
  final void closeEverything() throws Exception {
    try {
      for (int i = closeables.size() - 1; i >= 0; i--) {
        closeables.get(i).close();
      }
    } finally {
      tokens.close();
      server.close();
      api.close();
      otherHost.close();
    }
    if (!mayBlock()) {
      assertThat(provider.calls()).as("provider calls of a non-blocking integration")
          .doesNotContain("token", "renewAfterRejection");
    }
  }

  // ---- which requests get the token

  @Test
  @DisplayName("sets Authorization: Bearer <current token> on a request to a configured host and port")
  void authorizesAConfiguredHost() throws Exception {
    Client client = client(Setup.hosts(fakeHost()));

    assertThat(get(client, server.protectedUri())).isEqualTo(new Reply(200, "{\"ok\":true}"));
    assertThat(server.accepted()).isEqualTo(1);
    assertThat(server.fetches()).isEqualTo(1);
  }

  @Test
  @DisplayName("never sends the token to another host, GET or POST by absolute URI, and does not even ask for one")
  void leavesOtherHostsAlone() throws Exception {
    Client client = client(Setup.hosts(fakeHost()));

    assertThat(get(client, otherHost.uri("/other")).status()).isEqualTo(200);
    assertThat(send(client, "POST", otherHost.uri("/other"), Body.REPEATABLE).status()).isEqualTo(200);

    assertThat(otherHost.authorizations()).containsExactly("none", "none");
    assertThat(provider.calls()).as("provider calls").isEmpty();
  }

  @Test
  @DisplayName("a host configured with a port matches that port only")
  void matchesThePort() throws Exception {
    Client client = client(Setup.hosts(fakeHost()));

    get(client, api.uri("/same-address-other-port"));

    assertThat(api.authorizations()).containsExactly("none");
  }

  @Test
  @DisplayName("a host without a port matches every port of it, but names are literal: not another name or address of it")
  void matchesHostNamesLiterally() throws Exception {
    Client client = client(Setup.hosts("127.0.0.1"));

    get(client, api.uri("/by-address"));
    get(client, URI.create("http://alias.test:" + api.port() + "/by-another-name"));
    get(client, otherHost.uri("/another-loopback-address"));

    assertThat(api.authorizations()).containsExactly(currentAuthorization(), "none");
    assertThat(otherHost.authorizations()).containsExactly("none");
  }

  @Test
  @DisplayName("compares host names case-insensitively and ignores a trailing root dot")
  void comparesHostsIgnoringCaseAndTheRootDot() throws Exception {
    Client client = client(Setup.hosts("API.Ctc.TEST.:" + server.port()).allowingInsecureHttp());

    assertThat(get(client, URI.create("http://api.ctc.test:" + server.port() + "/api/protected")).status())
        .isEqualTo(200);
    assertThat(server.accepted()).isEqualTo(1);
  }

  @Test
  @DisplayName("a redirect from a configured host to another host never carries the token")
  void dropsTheTokenOnARedirectToAnotherHost() throws Exception {
    Client client = client(Setup.hosts(api.hostAndPort()));

    Reply reply = get(client, api.uri("/redirect?to=" + otherHost.uri("/landing")));

    assertThat(reply).isEqualTo(new Reply(200, "recorded"));
    assertThat(api.authorizations()).containsExactly(currentAuthorization());
    assertThat(otherHost.seen()).extracting(ApiRecorder.Seen::path).containsExactly("/landing");
    assertThat(otherHost.authorizations()).containsExactly("none");
  }

  @Test
  @DisplayName("a request that carries its own Authorization keeps it, and its 401 is not handled")
  void leavesTheCallersOwnAuthorization() throws Exception {
    Client client = client(Setup.hosts(fakeHost()));

    Reply reply = client.send("GET", server.protectedUri(), Map.of("Authorization", "Bearer mine"), Body.NONE, null);

    assertThat(reply.status()).isEqualTo(401);
    assertThat(server.rejected()).isEqualTo(1);
    assertThat(server.fetches()).isZero();
  }

  @Test
  @DisplayName("a service id never widens the hosts: its client's calls to another host carry no token")
  void aServiceIdAloneSelectsNothing() throws Exception {
    Assumptions.assumeTrue(hasServiceIds(), "this integration has no service ids");
    Client client = client(Setup.hosts(fakeHost()).serviceClient(List.of("ctc-api"), "ctc-api", otherHost.uri("")));

    get(client, otherHost.uri("/its-own-base-url"));
    get(client, api.uri("/redirect?to=" + otherHost.uri("/after-a-redirect")));
    assertThat(get(client, server.protectedUri()).status()).as("its call to a configured host").isEqualTo(200);

    assertThat(otherHost.authorizations()).containsExactly("none", "none");
    assertThat(api.authorizations()).containsExactly("none");
  }

  @Test
  @DisplayName("service ids narrow the hosts: a client of another service gets no token on a configured host")
  void serviceIdsNarrowTheHosts() throws Exception {
    Assumptions.assumeTrue(hasServiceIds(), "this integration has no service ids");
    Client client = client(Setup.hosts(api.hostAndPort()).serviceClient(List.of("ctc-api"), "not-ctc", api.uri("")));

    get(client, api.uri("/configured-host"));

    assertThat(api.authorizations()).containsExactly("none");
    assertThat(provider.calls()).isEmpty();
  }

  // ---- plain http

  @Test
  @DisplayName("refuses to send the token over plain http to a host that is not loopback, unless allowed")
  void refusesInsecureHttp() throws Exception {
    URI plain = URI.create("http://api.ctc.test:" + server.port() + "/api/protected");
    Client strict = client(Setup.hosts("api.ctc.test"));
    Client lenient = client(Setup.hosts("api.ctc.test").allowingInsecureHttp());

    Throwable refused = catchThrowable(() -> get(strict, plain));

    assertThat(refused).isInstanceOf(CtcTokenException.class).hasMessageContaining("plain http")
        .hasMessageContaining("https");
    assertThat(server.accepted() + server.rejected()).as("requests that reached the API").isZero();
    assertThat(server.fetches()).isZero();
    assertThat(get(lenient, plain).status()).isEqualTo(200);
  }

  // ---- 401

  @Test
  @DisplayName("after someone else's fetch, a 401 is healed by one renewAfterRejection and one replay")
  void healsAnOutOfBandInvalidation() throws Exception {
    Client client = client(Setup.hosts(fakeHost()));
    assertThat(get(client, server.protectedUri()).status()).isEqualTo(200);
    server.issueTokenOutOfBand();

    assertThat(get(client, server.protectedUri()).status()).isEqualTo(200);

    assertThat(server.fetches()).as("the first fetch and exactly one renewal").isEqualTo(2);
    assertThat(server.rejected()).isEqualTo(1);
    assertThat(server.accepted()).isEqualTo(2);
    assertThat(provider.count("renewAfterRejection") + provider.count("renewAfterRejectionAsync")).isEqualTo(1);
  }

  @Test
  @DisplayName("replays a repeatable POST once with the same method, headers and body, and the renewed token")
  void replaysARepeatableRequest() throws Exception {
    Client client = client(Setup.hosts(api.hostAndPort()));
    get(client, api.uri("/warm-up"));
    String stale = currentAuthorization();
    server.issueTokenOutOfBand();

    Reply reply = client.send("POST", api.uri("/orders"), Map.of("X-Request-Id", "order-42"), Body.REPEATABLE, PAYLOAD);

    assertThat(reply).isEqualTo(new Reply(200, "recorded"));
    List<ApiRecorder.Seen> writes = api.seen().subList(1, api.seen().size());
    assertThat(writes).hasSize(2).allSatisfy(seen -> {
      assertThat(seen.method()).isEqualTo("POST");
      assertThat(seen.path()).isEqualTo("/orders");
      assertThat(seen.header("X-Request-Id")).hasValue("order-42");
      assertThat(seen.body()).isEqualTo(PAYLOAD);
    });
    assertThat(writes.get(1).header("Content-Type")).isEqualTo(writes.get(0).header("Content-Type"));
    assertThat(writes.get(0).header("Authorization")).hasValue(stale);
    assertThat(writes.get(1).header("Authorization")).hasValue(currentAuthorization());
    assertThat(server.fetches()).isEqualTo(2);
  }

  @Test
  @DisplayName("a second 401, after the one replay, reaches the caller as is")
  void passesOnASecondRejection() throws Exception {
    Client client = client(Setup.hosts(fakeHost()));
    get(client, server.protectedUri());
    server.rejectEveryToken(true);

    Reply reply = get(client, server.protectedUri());

    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.body()).contains("\"errcode\":\"" + FakeCtcServer.ERRCODE_INVALID_TOKEN + "\"");
    assertThat(server.rejected()).as("the first attempt and the one replay").isEqualTo(2);
    assertThat(server.fetches()).isEqualTo(2);
  }

  @Test
  @DisplayName("does not replay a body that can be sent only once: its 401 reaches the caller, the next call works")
  void passesOnTheRejectionOfAOneShotBody() throws Exception {
    Client client = client(Setup.hosts(fakeHost()));
    get(client, server.protectedUri());
    server.issueTokenOutOfBand();

    Reply reply = send(client, "POST", server.protectedUri(), Body.ONE_SHOT);

    assertThat(reply.status()).isEqualTo(401);
    assertThat(server.rejected()).as("no replay").isEqualTo(1);
    awaitTrue(() -> server.fetches() == 2 && server.currentToken().orElseThrow()
        .equals(tokens.tokenAsync().toCompletableFuture().join().value()), "the renewal for the next call");
    assertThat(get(client, server.protectedUri()).status()).isEqualTo(200);
    assertThat(server.fetches()).isEqualTo(2);
    assertThat(server.rejected()).isEqualTo(1);
  }

  @Test
  @DisplayName("32 concurrent calls that meet one 401 all succeed, with exactly one renewal")
  void healsConcurrentCallsWithOneRenewal() throws Exception {
    Client client = client(Setup.hosts(fakeHost()));
    get(client, server.protectedUri());
    server.issueTokenOutOfBand();
    int calls = 32;
    CyclicBarrier start = new CyclicBarrier(calls);
    ExecutorService callers = Executors.newFixedThreadPool(calls);
    try {
      List<Future<Integer>> statuses = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        Callable<Integer> call = () -> {
          start.await(completionWait().toMillis(), TimeUnit.MILLISECONDS);
          return get(client, server.protectedUri()).status();
        };
        statuses.add(callers.submit(call));
      }
      for (Future<Integer> status : statuses) {
        assertThat(status.get(completionWait().toMillis() * 2, TimeUnit.MILLISECONDS)).isEqualTo(200);
      }
    } finally {
      callers.shutdownNow();
    }
    assertThat(server.fetches()).as("the first fetch and exactly one renewal").isEqualTo(2);
    assertThat(server.accepted()).isEqualTo(1 + calls);
  }

  // ---- the provider's failures

  @Test
  @DisplayName("when no token can be had, the call fails with the provider's typed exception and sends nothing")
  void failsWithTheProvidersException() throws Exception {
    try (TokenManager broken = manager("not-the-secret")) {
      Client client = client(new WatchedProvider(broken, mayBlock()), Setup.hosts(fakeHost()));

      Throwable failure = catchThrowable(() -> get(client, server.protectedUri()));

      assertThat(failure).isInstanceOfSatisfying(CtcApiException.class,
          e -> assertThat(e.errcode()).isEqualTo(FakeCtcServer.ERRCODE_INVALID_CREDENTIALS));
      assertThat(server.accepted() + server.rejected()).as("requests that reached the API").isZero();
    }
  }

  @Test
  @DisplayName("while renewals after rejections are rate limited, a rejected call fails with RenewalRateLimitedException")
  void reportsARateLimitedRenewal() throws Exception {
    Client client = client(Setup.hosts(fakeHost()));
    get(client, server.protectedUri());
    server.rejectEveryToken(true);
    get(client, server.protectedUri());

    Throwable failure = catchThrowable(() -> get(client, server.protectedUri()));

    assertThat(failure).isInstanceOf(RenewalRateLimitedException.class);
    assertThat(server.fetches()).as("no fetch inside the rate limit").isEqualTo(2);
  }

  // ---- helpers

  private Client client(Setup setup) throws Exception {
    return client(provider, setup);
  }

  private Client client(TokenProvider tokens, Setup setup) throws Exception {
    Client client = open(tokens, setup);
    assertThat(client).as("open(..)").isNotNull();
    closeables.add(client);
    return client;
  }

  private String fakeHost() {
    return "127.0.0.1:" + server.port();
  }

  private TokenManager manager(String secret) {
    return TokenManager.builder()
        .endpoint(server.endpoint())
        .clientId(server.clientId())
        .clientSecret(secret)
        .transport(createTransport())
        .build();
  }

  private String currentAuthorization() {
    return "Bearer " + server.currentToken().orElseThrow();
  }

  private static Reply get(Client client, URI uri) throws Exception {
    return client.send("GET", uri, Map.of(), Body.NONE, null);
  }

  private static Reply send(Client client, String method, URI uri, Body body) throws Exception {
    return client.send(method, uri, Map.of(), body, PAYLOAD);
  }

  private void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + completionWait().toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("waited " + completionWait() + " for " + what);
      }
      Thread.sleep(10);
    }
  }
}
