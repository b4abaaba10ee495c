package com.ctcfile.token.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.core.wire.TokenRequestUri;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A {@link FakeCtcServer} that knows many clients: a secret, a ledger and counters each. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FakeCtcServerClientsTest {

  private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\":\"([^\"]*)\"");

  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final List<FakeCtcServer> servers = new ArrayList<>();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @AfterEach
  void closeServers() {
    servers.forEach(FakeCtcServer::close);
  }

  private FakeCtcServer start(FakeCtcServer.Builder builder) {
    FakeCtcServer server = builder.build();
    servers.add(server);
    return server.start();
  }

  private static FakeCtcServer.Builder twoMoreClients() {
    return FakeCtcServer.builder().client("client-a", "secret-a").client("client-b", "secret-b");
  }

  /** The token of the reply, empty if the reply carries none. */
  private String fetch(FakeCtcServer server, String clientId, String secret) {
    HttpResponse<String> reply = get(TokenRequestUri.of(server.endpoint(), clientId, secret));
    assertThat(reply.statusCode()).isEqualTo(200);
    Matcher token = ACCESS_TOKEN.matcher(reply.body());
    assertThat(token.find()).as("a reply with an access_token field").isTrue();
    return token.group(1);
  }

  private int callApi(FakeCtcServer server, String token) {
    return send(HttpRequest.newBuilder(server.protectedUri()).header("Authorization", "Bearer " + token).build())
        .statusCode();
  }

  private HttpResponse<String> get(URI uri) {
    return send(HttpRequest.newBuilder(uri).header("Accept", "application/json").build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void aFetchInvalidatesThePreviousTokenOfThatClientOnly() {
    FakeCtcServer server = start(twoMoreClients());
    String a1 = fetch(server, "client-a", "secret-a");
    String b1 = fetch(server, "client-b", "secret-b");
    String first = fetch(server, server.clientId(), server.clientSecret());

    String a2 = fetch(server, "client-a", "secret-a");

    assertThat(callApi(server, a1)).as("a's replaced token").isEqualTo(401);
    assertThat(callApi(server, a2)).isEqualTo(200);
    assertThat(callApi(server, b1)).as("b's token, untouched by a's fetch").isEqualTo(200);
    assertThat(callApi(server, first)).as("the first client's token").isEqualTo(200);
    assertThat(server.currentToken("client-a")).contains(a2);
    assertThat(server.currentToken("client-b")).contains(b1);
    assertThat(server.currentToken()).contains(first);
  }

  @Test
  void countsPerClientAndInTotal() {
    FakeCtcServer server = start(twoMoreClients());
    String a1 = fetch(server, "client-a", "secret-a");
    String a2 = fetch(server, "client-a", "secret-a");
    String b1 = fetch(server, "client-b", "secret-b");
    fetch(server, "client-b", "wrong-secret");
    callApi(server, a1);
    callApi(server, a2);
    callApi(server, a2);
    callApi(server, b1);

    assertThat(server.fetches("client-a")).isEqualTo(2);
    assertThat(server.fetches("client-b")).isEqualTo(1);
    assertThat(server.fetches(server.clientId())).isZero();
    assertThat(server.fetches()).isEqualTo(3);
    assertThat(server.tokenRequests("client-a")).isEqualTo(2);
    assertThat(server.tokenRequests("client-b")).as("the wrong secret's request counts for the client it names")
        .isEqualTo(2);
    assertThat(server.tokenRequests()).isEqualTo(4);
    assertThat(server.accepted("client-a")).isEqualTo(2);
    assertThat(server.accepted("client-b")).isEqualTo(1);
    assertThat(server.accepted()).isEqualTo(3);
    assertThat(server.rejected()).as("a's first token, after a's second fetch").isEqualTo(1);
  }

  @Test
  void eachClientNeedsItsOwnSecret() {
    FakeCtcServer server = start(twoMoreClients());
    String b1 = fetch(server, "client-b", "secret-b");

    assertThat(fetch(server, "client-a", "secret-b")).as("b's secret for a").isEmpty();
    assertThat(fetch(server, "client-b", "secret-a")).as("a's secret for b").isEmpty();
    assertThat(fetch(server, "client-c", "secret-a")).as("a client the server does not know").isEmpty();
    assertThat(fetch(server, "client-b", server.clientSecret())).as("the first client's secret for b").isEmpty();

    assertThat(server.fetches()).isEqualTo(1);
    assertThat(server.currentToken("client-a")).isEmpty();
    assertThat(server.currentToken("client-b")).as("wrong credentials leave the current token").contains(b1);
    assertThat(callApi(server, b1)).isEqualTo(200);
  }

  @Test
  void theMethodsWithoutAClientIdAreAboutTheFirstClient() {
    FakeCtcServer server = start(FakeCtcServer.builder().clientId("primary").clientSecret("primary-secret")
        .clients(Map.of("other", "other-secret")));
    String other = fetch(server, "other", "other-secret");

    assertThat(server.clientId()).isEqualTo("primary");
    assertThat(server.clientSecret()).isEqualTo("primary-secret");
    assertThat(server.clientIds()).containsExactly("primary", "other");
    assertThat(server.currentToken()).as("the first client has not fetched").isEmpty();

    String outOfBand = server.issueTokenOutOfBand();

    assertThat(server.currentToken()).contains(outOfBand);
    assertThat(server.currentToken("primary")).contains(outOfBand);
    assertThat(server.currentToken("other")).contains(other);
    assertThat(callApi(server, other)).isEqualTo(200);
    assertThat(server.fetches()).as("out of band is not a fetch").isEqualTo(1);
  }

  @Test
  void anOutOfBandFetchForOneClientInvalidatesThatClientsTokenOnly() {
    FakeCtcServer server = start(twoMoreClients());
    String a1 = fetch(server, "client-a", "secret-a");
    String b1 = fetch(server, "client-b", "secret-b");

    String a2 = server.issueTokenOutOfBand("client-a");

    assertThat(callApi(server, a1)).isEqualTo(401);
    assertThat(callApi(server, a2)).isEqualTo(200);
    assertThat(callApi(server, b1)).isEqualTo(200);
    assertThat(server.fetches("client-a")).isEqualTo(1);
  }

  @Test
  void theGracePeriodAppliesToEachClientsReplacedTokens() {
    FakeCtcServer server = start(twoMoreClients().gracePeriod(Duration.ofSeconds(2)).nanoClock(nanos::get));
    String a1 = fetch(server, "client-a", "secret-a");
    String b1 = fetch(server, "client-b", "secret-b");
    String a2 = fetch(server, "client-a", "secret-a");

    nanos.addAndGet(Duration.ofMillis(1999).toNanos());
    assertThat(callApi(server, a1)).as("a's replaced token within its grace period").isEqualTo(200);
    assertThat(server.accepted("client-a")).isEqualTo(1);

    nanos.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(callApi(server, a1)).as("a's replaced token after its grace period").isEqualTo(401);
    assertThat(callApi(server, a2)).isEqualTo(200);
    assertThat(callApi(server, b1)).isEqualTo(200);
  }

  @Test
  void tokensAreDistinctAcrossClientsEvenWhenTheyAreOneCharacterLong() {
    // 64 clients and 64 one-character tokens: drawn independently, two clients would share one
    Map<String, String> clients = new LinkedHashMap<>();
    for (int i = 1; i < 64; i++) {
      clients.put("client-" + i, "secret-" + i);
    }
    FakeCtcServer server = start(FakeCtcServer.builder().tokenLength(1).clients(clients));
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put(server.clientId(), fetch(server, server.clientId(), server.clientSecret()));
    clients.forEach((id, secret) -> tokens.put(id, fetch(server, id, secret)));

    assertThat(new HashSet<>(tokens.values())).hasSize(64);
    tokens.forEach((id, token) -> {
      assertThat(callApi(server, token)).isEqualTo(200);
      assertThat(server.accepted(id)).as("acceptances of %s", id).isEqualTo(1);
    });
  }

  @Test
  void aFaultServesTheNextRequestOfAnyClientAndIssuesToTheClientItNames() {
    FakeCtcServer server = start(twoMoreClients());
    server.enqueue(Fault.successWith("{\"access_token\":\"given-to-b\"}"));
    server.enqueue(Fault.stallBody(Duration.ofMillis(10)));
    server.enqueue(Fault.successWith("{\"access_token\":\"given-to-the-first\"}"));

    assertThat(fetch(server, "client-b", "secret-b")).isEqualTo("given-to-b");
    String stalled = fetch(server, "client-a", "secret-a");
    assertThat(fetch(server, "nobody", "no-secret")).as("a client the server does not know")
        .isEqualTo("given-to-the-first");

    assertThat(server.currentToken("client-b")).contains("given-to-b");
    assertThat(server.currentToken("client-a")).contains(stalled);
    assertThat(server.currentToken()).contains("given-to-the-first");
    assertThat(server.fetches("client-b")).isEqualTo(1);
    assertThat(server.fetches("client-a")).isEqualTo(1);
    assertThat(server.fetches(server.clientId())).isEqualTo(1);
    assertThat(callApi(server, "given-to-b")).isEqualTo(200);
    assertThat(server.accepted("client-b")).isEqualTo(1);
  }

  @Test
  void theMethodsTakingAClientIdRefuseOneTheServerDoesNotKnow() {
    FakeCtcServer server = start(twoMoreClients());

    assertThatThrownBy(() -> server.fetches("client-c")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("client-c");
    assertThatThrownBy(() -> server.tokenRequests("client-c")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.accepted("client-c")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.currentToken("client-c")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.issueTokenOutOfBand("client-c")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.fetches(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void theBuilderRefusesEmptyAndRepeatedClientsAtOnce() {
    FakeCtcServer.Builder builder = FakeCtcServer.builder().client("client-a", "secret-a");

    assertThatThrownBy(() -> builder.client("client-a", "other")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("client-a").hasMessageNotContaining("other");
    assertThatThrownBy(() -> builder.client("fake-client-id", "other")).as("the first client's id")
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.clientId("client-a")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.client("", "secret")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.client("client-b", "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.client(null, "secret")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder.clients(null)).isInstanceOf(NullPointerException.class);
    Map<String, String> halfBad = new LinkedHashMap<>();
    halfBad.put("client-b", "secret-b");
    halfBad.put("client-c", "");
    assertThatThrownBy(() -> builder.clients(halfBad)).isInstanceOf(IllegalArgumentException.class);

    FakeCtcServer server = start(builder);
    assertThat(server.clientIds()).as("nothing of the refused map was added").containsExactly("fake-client-id", "client-a");
  }

  @Test
  void toStringShowsTheNumberOfClientsButNoSecret() {
    FakeCtcServer server = start(FakeCtcServer.builder().client("client-a", "top-secret-a"));

    assertThat(server.toString()).contains("clients=2").doesNotContain("top-secret-a");
    assertThat(FakeCtcServer.builder().client("client-a", "top-secret-a").toString()).contains("clients=2")
        .doesNotContain("top-secret-a");
  }

  @Test
  void tenThousandClientsEachFetchAndEachTokenIsAcceptedForItsClient() throws Exception {
    int others = 10_000;
    Map<String, String> clients = new LinkedHashMap<>();
    for (int i = 0; i < others; i++) {
      clients.put("client-" + i, "secret-" + i);
    }
    FakeCtcServer server = start(FakeCtcServer.builder().clients(clients));
    Map<String, String> tokens = new ConcurrentHashMap<>();
    List<String> ids = new ArrayList<>(clients.keySet());
    int workers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        int worker = w;
        done.add(pool.submit(() -> {
          for (int i = worker; i < ids.size(); i += workers) {
            String id = ids.get(i);
            tokens.put(id, fetch(server, id, clients.get(id)));
          }
          for (int i = worker; i < ids.size(); i += workers) {
            String id = ids.get(i);
            assertThat(callApi(server, tokens.get(id))).as("token of %s", id).isEqualTo(200);
          }
          return null;
        }));
      }
      for (Future<?> worker : done) {
        worker.get(50, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(server.fetches()).isEqualTo(others);
    assertThat(server.accepted()).isEqualTo(others);
    assertThat(server.rejected()).isZero();
    assertThat(new HashSet<>(tokens.values())).hasSize(others);
    Set<String> wrong = new HashSet<>();
    for (String id : ids) {
      if (server.fetches(id) != 1 || server.accepted(id) != 1 || !server.currentToken(id).orElseThrow().equals(tokens.get(id))) {
        wrong.add(id);
      }
    }
    assertThat(wrong).as("clients whose counters or current token are not their own").isEmpty();
  }
}
