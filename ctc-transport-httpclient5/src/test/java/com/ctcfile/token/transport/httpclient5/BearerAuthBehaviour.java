package com.ctcfile.token.transport.httpclient5;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.testkit.BearerIntegrationContractTest.Body;
import com.ctcfile.token.testkit.BearerIntegrationContractTest.Client;
import com.ctcfile.token.testkit.BearerIntegrationContractTest.Reply;
import com.ctcfile.token.testkit.BearerIntegrationContractTest.Setup;
import com.ctcfile.token.testkit.FakeCtcServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What only {@link CtcBearerAuth} promises, beyond the testkit's bearer contract, written once and
 * run on the classic and on the async client (as a nested class of each one's contract test):
 * redirect hops and HttpClient's automatic retries each judged on their own, other hosts' headers
 * left as they are, and a discarded 401 giving its connection back to the pool.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class BearerAuthBehaviour {


  /** Settings of the client under test. */
  record ClientOptions(int maxConnections, DnsResolver dns) {
    static ClientOptions defaults() {
      return new ClientOptions(20, NAMES_ON_LOOPBACK);
    }
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

  /** The integration the bearer contract's {@code Setup} describes. */
  static CtcBearerAuth auth(TokenProvider tokens, Setup setup) {
    CtcBearerAuth.Builder auth = CtcBearerAuth.builder(tokens).allowInsecureHttp(setup.allowInsecureHttp());
    setup.hosts().forEach(auth::host);
    return auth.build();
  }

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
  @DisplayName("leaves the headers of another host's request as they are, Authorization included")
  void overridesNothingOnOtherHosts() throws Exception {
    RecordingServer thirdParty = recordingServer();
    Client client = client(ctcHost());

    client.send("GET", thirdParty.uri("/other"), Map.of("Authorization", "Basic dXNlcjpwdw=="), Body.NONE, null);

    assertThat(thirdParty.authorizations()).containsExactly("Basic dXNlcjpwdw==");
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

  // ---- 401 handling

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

  // ---- failures of the provider

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
