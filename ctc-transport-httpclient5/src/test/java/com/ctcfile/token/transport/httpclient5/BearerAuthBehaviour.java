package com.ctcfile.token.transport.httpclient5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.RenewalRateLimitedException;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.testkit.FakeCtcServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@link CtcBearerAuth} does, written once and run on the classic and on the async client:
 * against a {@link FakeCtcServer} (token endpoint and protected API) with a real
 * {@link TokenManager} on {@link HttpClient5Transport}, and {@link RecordingServer}s as third-party
 * hosts that must never see the token.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class BearerAuthBehaviour {

  /** A request body: none, one the client can send again, or one it can send only once. */
  enum Body { NONE, REPEATABLE, ONE_SHOT }

  /** What the caller got. */
  record Reply(int status, String body) {}

  /** Settings of the client under test. */
  record ClientOptions(int maxConnections, DnsResolver dns) {
    static ClientOptions defaults() {
      return new ClientOptions(20, NAMES_ON_LOOPBACK);
    }
  }

  /** An HttpClient 5 client with a {@link CtcBearerAuth} installed. */
  interface Client extends AutoCloseable {
    /**
     * Sends and waits for the reply; throws what the client reports (classic: what {@code execute}
     * throws; async: the cause of the future's {@code ExecutionException}).
     */
    Reply send(String method, URI uri, Map<String, String> headers, Body body, String content) throws Exception;

    @Override
    void close();
  }

  /** Every name ending in {@code .test} resolves to 127.0.0.1, so tests can use host names of their own. */
  static final DnsResolver NAMES_ON_LOOPBACK = new DnsResolver() {
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      if (host.toLowerCase(Locale.ROOT).endsWith(".test")) {
        return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
      }
      return SystemDefaultDnsResolver.INSTANCE.resolve(host);
    }

    @Override
    public String resolveCanonicalHostname(String host) {
      return host;
    }
  };

  static final String PAYLOAD = "{\"order\":42}";

  protected FakeCtcServer server;
  protected TokenManager tokens;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** Opens a client of the kind under test with {@code auth} installed. */
  protected abstract Client open(CtcBearerAuth auth, ClientOptions options);

  /** The provider the integration is given; the async test wraps it to forbid blocking calls. */
  protected TokenProvider provider(TokenProvider tokens) {
    return tokens;
  }

  @BeforeEach
  void startServerAndTokens() {
    server = FakeCtcServer.builder().build().start();
    tokens = manager(server.clientSecret());
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    tokens.close();
    server.close();
  }

  // ---- which requests get the token

  @Test
  @DisplayName("sets Authorization: Bearer <current token> on a request to a configured host and port")
  void authorizesAConfiguredHost() throws Exception {
    Client client = client(ctcHost());

    assertThat(get(client, server.protectedUri())).isEqualTo(new Reply(200, "{\"ok\":true}"));
    assertThat(server.accepted()).isEqualTo(1);
    assertThat(server.fetches()).isEqualTo(1);
  }

  @Test
  @DisplayName("never sends the token to another host, and does not even ask for one")
  void leavesOtherHostsAlone() throws Exception {
    RecordingServer thirdParty = recordingServer();
    Client client = client(ctcHost());

    assertThat(get(client, thirdParty.uri("/other")).status()).isEqualTo(200);
    assertThat(send(client, "POST", thirdParty.uri("/other"), Body.REPEATABLE).status()).isEqualTo(200);

    assertThat(thirdParty.authorizations()).containsExactly("none", "none");
    assertThat(server.fetches()).isZero();
  }

  @Test
  @DisplayName("leaves the headers of another host's request as they are, Authorization included")
  void overridesNothingOnOtherHosts() throws Exception {
    RecordingServer thirdParty = recordingServer();
    Client client = client(ctcHost());

    client.send("GET", thirdParty.uri("/other"), Map.of("Authorization", "Basic dXNlcjpwdw=="), Body.NONE, null);

    assertThat(thirdParty.authorizations()).containsExactly("Basic dXNlcjpwdw==");
  }

  @Test
  @DisplayName("a host configured without a port matches every port of it, but not another name of the same machine")
  void matchesHostNamesLiterally() throws Exception {
    RecordingServer api = recordingServer();
    Client client = client(CtcBearerAuth.builder(provider(tokens)).host("127.0.0.1").build());

    get(client, api.uri("/a"));
    get(client, URI.create("http://alias.test:" + api.port() + "/b"));

    assertThat(api.authorizations()).containsExactly(currentAuthorization(), "none");
  }

  @Test
  @DisplayName("compares host names case-insensitively")
  void comparesHostsIgnoringCase() throws Exception {
    Client client = client(CtcBearerAuth.builder(provider(tokens))
        .host("API.Ctc.TEST:" + server.port()).allowInsecureHttp(true).build());

    assertThat(get(client, URI.create("http://api.ctc.test:" + server.port() + "/api/protected")).status())
        .isEqualTo(200);
  }

  @Test
  @DisplayName("a redirect from a configured host to another host never carries the token")
  void dropsTheTokenOnARedirectToAnotherHost() throws Exception {
    RecordingServer configured = recordingServer();
    RecordingServer thirdParty = recordingServer();
    configured.redirectTo(thirdParty.uri("/landing"));
    Client client = client(CtcBearerAuth.builder(provider(tokens)).host("127.0.0.1:" + configured.port()).build());

    Reply reply = get(client, configured.uri("/start"));

    assertThat(reply).isEqualTo(new Reply(200, "third party"));
    assertThat(configured.authorizations()).containsExactly(currentAuthorization());
    assertThat(thirdParty.seen()).hasSize(1);
    assertThat(thirdParty.authorizations()).containsExactly("none");
  }

  @Test
  @DisplayName("a redirect from another host to a configured host gets the token on that hop")
  void authorizesTheRedirectHopToAConfiguredHost() throws Exception {
    RecordingServer thirdParty = recordingServer();
    thirdParty.redirectTo(server.protectedUri());
    Client client = client(ctcHost());

    assertThat(get(client, thirdParty.uri("/start")).status()).isEqualTo(200);
    assertThat(thirdParty.authorizations()).containsExactly("none");
    assertThat(server.accepted()).isEqualTo(1);
  }

  @Test
  @DisplayName("an automatic retry by HttpClient carries the token too")
  void authorizesAutomaticRetries() throws Exception {
    RecordingServer api = recordingServer();
    api.unavailableNext(1);
    Client client = client(CtcBearerAuth.builder(provider(tokens)).host("127.0.0.1:" + api.port()).build());

    assertThat(get(client, api.uri("/busy")).status()).isEqualTo(200);

    assertThat(api.authorizations()).containsExactly(currentAuthorization(), currentAuthorization());
  }

  @Test
  @DisplayName("a request that carries its own Authorization keeps it, and its 401 is not handled")
  void leavesTheCallersOwnAuthorization() throws Exception {
    Client client = client(ctcHost());

    Reply reply = client.send("GET", server.protectedUri(), Map.of("Authorization", "Bearer mine"), Body.NONE, null);

    assertThat(reply.status()).isEqualTo(401);
    assertThat(server.rejected()).isEqualTo(1);
    assertThat(server.fetches()).isZero();
  }

  @Test
  @DisplayName("refuses to send the token over plain http to a host that is not loopback, unless allowed")
  void refusesInsecureHttp() throws Exception {
    URI plain = URI.create("http://api.ctc.test:" + server.port() + "/api/protected");
    Client strict = client(CtcBearerAuth.builder(provider(tokens)).host("api.ctc.test").build());
    Client lenient = client(CtcBearerAuth.builder(provider(tokens)).host("api.ctc.test").allowInsecureHttp(true).build());

    assertThatThrownBy(() -> get(strict, plain))
        .isInstanceOf(CtcTokenException.class).hasMessageContaining("https").hasMessageContaining("allowInsecureHttp");
    assertThat(server.accepted() + server.rejected()).as("requests that reached the API").isZero();
    assertThat(server.fetches()).isZero();

    assertThat(get(lenient, plain).status()).isEqualTo(200);
  }

  // ---- 401 handling

  @Test
  @DisplayName("after someone else's fetch, a 401 is healed by one renewal and one replay")
  void healsAnOutOfBandInvalidation() throws Exception {
    Client client = client(ctcHost());
    assertThat(get(client, server.protectedUri()).status()).isEqualTo(200);
    server.issueTokenOutOfBand();

    assertThat(get(client, server.protectedUri()).status()).isEqualTo(200);

    assertThat(server.fetches()).as("the first fetch and exactly one renewal").isEqualTo(2);
    assertThat(server.rejected()).isEqualTo(1);
    assertThat(server.accepted()).isEqualTo(2);
  }

  @Test
  @DisplayName("a second 401, after the replay, reaches the caller as is")
  void passesOnASecondRejection() throws Exception {
    Client client = client(ctcHost());
    get(client, server.protectedUri());
    server.rejectEveryToken(true);

    Reply reply = get(client, server.protectedUri());

    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.body()).contains("\"errcode\":\"40001\"");
    assertThat(server.rejected()).as("the first attempt and the one replay").isEqualTo(2);
    assertThat(server.fetches()).isEqualTo(2);
  }

  @Test
  @DisplayName("while rejection-triggered renewals are rate limited, a rejected call fails with RenewalRateLimitedException")
  void reportsARateLimitedRenewal() throws Exception {
    Client client = client(ctcHost());
    get(client, server.protectedUri());
    server.rejectEveryToken(true);
    get(client, server.protectedUri());

    assertThatThrownBy(() -> get(client, server.protectedUri())).isInstanceOf(RenewalRateLimitedException.class);
    assertThat(server.fetches()).as("no fetch inside the rate limit").isEqualTo(2);
  }

  @Test
  @DisplayName("replays a POST with a repeatable body once, body and all, with the renewed token")
  void replaysARepeatableBody() throws Exception {
    RecordingServer api = recordingServer();
    api.rejectNext(1);
    Client client = client(CtcBearerAuth.builder(provider(tokens)).host("127.0.0.1:" + api.port()).build());

    Reply reply = send(client, "POST", api.uri("/orders"), Body.REPEATABLE);

    assertThat(reply).isEqualTo(new Reply(200, "third party"));
    assertThat(api.seen()).hasSize(2).allSatisfy(seen -> {
      assertThat(seen.method()).isEqualTo("POST");
      assertThat(seen.body()).isEqualTo(PAYLOAD);
    });
    List<String> used = api.authorizations();
    assertThat(used.get(0)).isNotEqualTo(used.get(1));
    assertThat(used.get(1)).isEqualTo(currentAuthorization());
    assertThat(server.fetches()).isEqualTo(2);
  }

  @Test
  @DisplayName("does not replay a POST whose body can be sent only once: its 401 reaches the caller, the next call works")
  void passesOnTheRejectionOfAOneShotBody() throws Exception {
    Client client = client(ctcHost());
    get(client, server.protectedUri());
    server.issueTokenOutOfBand();

    Reply reply = send(client, "POST", server.protectedUri(), Body.ONE_SHOT);

    assertThat(reply.status()).isEqualTo(401);
    assertThat(server.rejected()).as("no replay").isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(
        () -> assertThat(server.fetches()).as("renewed all the same").isEqualTo(2));
    assertThat(get(client, server.protectedUri()).status()).isEqualTo(200);
    assertThat(server.fetches()).isEqualTo(2);
    assertThat(server.rejected()).isEqualTo(1);
  }

  @Test
  @DisplayName("a discarded 401 gives its connection back: five heals through a pool of one connection")
  void releasesTheConnectionOfADiscardedRejection() throws Exception {
    // five rejections in a row: let each renew at once rather than wait out the rate limit
    try (TokenManager unlimited = TokenManager.builder().endpoint(server.endpoint())
        .clientId(server.clientId()).clientSecret(server.clientSecret())
        .transport(HttpClient5Transport.create()).rejectionRenewalInterval(Duration.ZERO).build()) {
      Client client = open(CtcBearerAuth.builder(provider(unlimited)).host(ctcHostAndPort()).build(),
          new ClientOptions(1, NAMES_ON_LOOPBACK));
      closeables.add(client);
      get(client, server.protectedUri());

      for (int i = 0; i < 5; i++) {
        server.issueTokenOutOfBand();
        assertThat(get(client, server.protectedUri()).status()).isEqualTo(200);
      }
      assertThat(server.rejected()).isEqualTo(5);
      assertThat(server.fetches()).isEqualTo(6);
    }
  }

  @Test
  @DisplayName("16 threads through one client after someone else's fetch: every call succeeds, exactly one renewal")
  void healsConcurrentCallsWithOneRenewal() throws Exception {
    Client client = client(ctcHost());
    get(client, server.protectedUri());
    server.issueTokenOutOfBand();
    int threads = 16;
    int callsEach = 25;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Integer>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Callable<List<Integer>> caller = () -> {
          start.await(10, TimeUnit.SECONDS);
          List<Integer> statuses = new ArrayList<>();
          for (int i = 0; i < callsEach; i++) {
            statuses.add(get(client, server.protectedUri()).status());
          }
          return statuses;
        };
        results.add(pool.submit(caller));
      }
      for (Future<List<Integer>> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).hasSize(callsEach).containsOnly(200);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.fetches()).as("the first fetch and exactly one renewal").isEqualTo(2);
    assertThat(server.accepted()).isEqualTo(1 + threads * callsEach);
  }

  // ---- failures of the provider

  @Test
  @DisplayName("when no token can be had, the call fails with the provider's exception and sends nothing")
  void failsWithTheProvidersException() throws Exception {
    try (TokenManager broken = manager("not-the-secret")) {
      Client client = client(CtcBearerAuth.builder(provider(broken)).host(ctcHostAndPort()).build());

      assertThatThrownBy(() -> get(client, server.protectedUri()))
          .isInstanceOfSatisfying(CtcApiException.class, e -> assertThat(e.errcode()).isEqualTo("40001"));
      assertThat(server.accepted() + server.rejected()).as("requests that reached the API").isZero();
    }
  }

  // ---- helpers

  protected final Client client(CtcBearerAuth auth) {
    Client client = open(auth, ClientOptions.defaults());
    closeables.add(client);
    return client;
  }

  /** An integration for the fake CTC server's host and port. */
  protected final CtcBearerAuth ctcHost() {
    return CtcBearerAuth.builder(provider(tokens)).host(ctcHostAndPort()).build();
  }

  protected final String ctcHostAndPort() {
    return "127.0.0.1:" + server.port();
  }

  protected final RecordingServer recordingServer() {
    RecordingServer recording = RecordingServer.start();
    closeables.add(recording);
    return recording;
  }

  protected final TokenManager manager(String secret) {
    return TokenManager.builder()
        .endpoint(server.endpoint())
        .clientId(server.clientId())
        .clientSecret(secret)
        .transport(HttpClient5Transport.create())
        .build();
  }

  protected final String currentAuthorization() {
    return "Bearer " + server.currentToken().orElseThrow();
  }

  protected static Reply get(Client client, URI uri) throws Exception {
    return client.send("GET", uri, Map.of(), Body.NONE, null);
  }

  protected static Reply send(Client client, String method, URI uri, Body body) throws Exception {
    return client.send(method, uri, Map.of(), body, PAYLOAD);
  }
}
