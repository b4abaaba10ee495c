package com.ctcfile.token.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.B64Token;
import com.ctcfile.token.core.wire.TokenRequestUri;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FakeCtcServerTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

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

  private FakeCtcServer start() {
    return start(FakeCtcServer.builder());
  }

  /** A server whose lifetimes and grace periods run on {@link #nanos}, moved by hand. */
  private FakeCtcServer startOnManualClock(FakeCtcServer.Builder builder) {
    return start(builder.nanoClock(nanos::get));
  }

  private void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  private static URI tokenRequest(FakeCtcServer server) {
    return TokenRequestUri.of(server.endpoint(), server.clientId(), server.clientSecret());
  }

  private HttpResponse<String> get(URI uri) {
    return send(HttpRequest.newBuilder(uri).header("Accept", "application/json").build());
  }

  private HttpResponse<String> fetch(FakeCtcServer server) {
    return get(tokenRequest(server));
  }

  private String fetchToken(FakeCtcServer server) {
    HttpResponse<String> reply = fetch(server);
    assertThat(reply.statusCode()).isEqualTo(200);
    return server.currentToken().orElseThrow();
  }

  private int callApi(FakeCtcServer server, String token) {
    return send(HttpRequest.newBuilder(server.protectedUri()).header("Authorization", "Bearer " + token).build())
        .statusCode();
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

  private static String successBody(String token, long expiresIn) {
    return "{\"token_type\":\"\",\"access_token\":\"" + token + "\",\"expires_in\":" + expiresIn
        + ",\"refresh_token\":\"\",\"errcode\":\"\",\"errmsg\":\"\"}";
  }

  private static String errorBody(String rawErrcode, String errmsg) {
    return "{\"token_type\":\"\",\"access_token\":\"\",\"expires_in\":0,\"refresh_token\":\"\",\"errcode\":"
        + rawErrcode + ",\"errmsg\":\"" + errmsg + "\"}";
  }

  @Nested
  class Lifecycle {

    @Test
    void bindsLoopbackOnAnEphemeralPortAndNamesItsUris() {
      FakeCtcServer server = start();

      assertThat(server.port()).isPositive();
      assertThat(server.endpoint()).isEqualTo(URI.create("http://127.0.0.1:" + server.port()));
      assertThat(server.tokenUri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port() + "/oauth/accesstoken"));
      assertThat(server.protectedUri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port() + "/api/protected"));
      assertThat(fetch(server).statusCode()).isEqualTo(200);
    }

    @Test
    void hasTheDocumentedDefaults() {
      FakeCtcServer server = start();

      assertThat(server.clientId()).isEqualTo("fake-client-id");
      assertThat(server.clientSecret()).isEqualTo("fake-client-secret");
      assertThat(fetch(server).body()).isEqualTo(successBody(server.currentToken().orElseThrow(), 3600));
      assertThat(server.currentToken().orElseThrow()).hasSize(790);
    }

    @Test
    void twoServersGetTwoPorts() {
      assertThat(start().port()).isNotEqualTo(start().port());
    }

    @Test
    void refusesUseBeforeStartAndRestart() {
      FakeCtcServer server = FakeCtcServer.builder().build();
      servers.add(server);

      assertThatThrownBy(server::endpoint).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class);
      server.start();
      assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
      server.close();
      assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeStopsServingEndsItsThreadsAndIsIdempotent() {
      FakeCtcServer server = start();
      fetch(server);
      String threadPrefix = "fake-ctc-server-" + server.port() + "-";
      assertThat(liveThreadsNamed(threadPrefix)).isNotEmpty();

      server.close();
      server.close();

      assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(tokenRequest(server)).build(),
          BodyHandlers.discarding())).isInstanceOf(ConnectException.class);
      await().atMost(WAIT).until(() -> liveThreadsNamed(threadPrefix).isEmpty());
    }

    @Test
    void closeEndsADelayedReplyAtOnce() {
      FakeCtcServer server = start();
      server.enqueue(Fault.delay(Duration.ofMinutes(5)));
      CompletableFuture<HttpResponse<Void>> reply =
          http.sendAsync(HttpRequest.newBuilder(tokenRequest(server)).build(), BodyHandlers.discarding());
      await().atMost(WAIT).until(() -> server.tokenRequests() == 1);

      server.close();

      assertThat(reply).failsWithin(WAIT);
      await().atMost(WAIT).until(() -> liveThreadsNamed("fake-ctc-server-" + server.port() + "-").isEmpty());
    }

    @Test
    void closeBeforeStartIsHarmless() {
      FakeCtcServer server = FakeCtcServer.builder().build();

      server.close();

      assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void toStringShowsNeitherSecretNorToken() {
      FakeCtcServer server = start(FakeCtcServer.builder().clientSecret("top-secret-value"));
      String token = fetchToken(server);

      assertThat(server.toString()).contains("127.0.0.1:" + server.port(), "fetches=1")
          .doesNotContain("top-secret-value").doesNotContain(token);
      assertThat(FakeCtcServer.builder().clientSecret("top-secret-value").toString()).doesNotContain("top-secret-value");
      assertThat(Fault.successWith("{\"access_token\":\"my-own-token\"}").toString()).doesNotContain("my-own-token");
    }

    @Test
    void builderValidatesAtOnce() {
      FakeCtcServer.Builder builder = FakeCtcServer.builder();

      assertThatThrownBy(() -> builder.clientId("")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> builder.clientSecret(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> builder.tokenLifetime(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> builder.tokenLifetime(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> builder.tokenLength(0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> builder.gracePeriod(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void servesFiftyConcurrentClients() {
      FakeCtcServer server = start();
      int clients = 50;
      CountDownLatch release = new CountDownLatch(1);
      for (int i = 0; i < clients; i++) {
        server.enqueue(Fault.hold(release));
      }
      List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        replies.add(http.sendAsync(HttpRequest.newBuilder(tokenRequest(server)).build(), BodyHandlers.ofString()));
      }

      // every request is inside a handler at the same time: the pool has a thread for each
      await().atMost(WAIT).until(() -> server.tokenRequests() == clients);
      release.countDown();

      assertThat(replies).allSatisfy(reply -> assertThat(reply).succeedsWithin(WAIT)
          .satisfies(response -> assertThat(response.statusCode()).isEqualTo(200)));
      assertThat(server.fetches()).isEqualTo(clients);
      assertThat(replies.stream().map(reply -> reply.join().body()).collect(Collectors.toSet())).hasSize(clients);
    }

    private Set<String> liveThreadsNamed(String prefix) {
      return Thread.getAllStackTraces().keySet().stream()
          .filter(Thread::isAlive)
          .map(Thread::getName)
          .filter(name -> name.startsWith(prefix))
          .collect(Collectors.toSet());
    }
  }

  @Nested
  class TokenEndpoint {

    @Test
    void answersLikeTheSampleOfTheCtcDocumentation() {
      FakeCtcServer server = start();

      HttpResponse<String> reply = fetch(server);

      assertThat(reply.statusCode()).isEqualTo(200);
      assertThat(reply.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(reply.body()).isEqualTo(successBody(server.currentToken().orElseThrow(), 3600));
      assertThat(server.fetches()).isEqualTo(1);
      assertThat(server.tokenRequests()).isEqualTo(1);
      assertThat(server.lastReplyBytesWritten()).isEqualTo(reply.body().length());
    }

    @Test
    void issuesJwtLikeB64TokensOfTheConfiguredLength() {
      FakeCtcServer server = start();
      String token = fetchToken(server);

      assertThat(token).hasSize(790).startsWith("eyJ").matches("[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
      assertThat(B64Token.isValid(token)).isTrue();
      assertThat(fetchToken(start(FakeCtcServer.builder().tokenLength(40)))).hasSize(40);
      assertThat(fetchToken(start(FakeCtcServer.builder().tokenLength(1)))).hasSize(1);
      assertThat(fetchToken(start(FakeCtcServer.builder().tokenLength(2000)))).hasSize(2000);
    }

    @Test
    void issuesANewTokenOnEveryFetch() {
      FakeCtcServer server = start(FakeCtcServer.builder().tokenLength(1));

      String first = fetchToken(server);
      String second = fetchToken(server);

      assertThat(second).isNotEqualTo(first);
      assertThat(server.fetches()).isEqualTo(2);
    }

    @Test
    void roundsExpiresInUpButEnforcesTheExactLifetime() {
      FakeCtcServer server = startOnManualClock(FakeCtcServer.builder().tokenLifetime(Duration.ofMillis(1500)));

      HttpResponse<String> reply = fetch(server);
      String token = server.currentToken().orElseThrow();

      assertThat(reply.body()).isEqualTo(successBody(token, 2));
      advance(Duration.ofMillis(1499));
      assertThat(callApi(server, token)).isEqualTo(200);
      advance(Duration.ofMillis(1));
      assertThat(callApi(server, token)).isEqualTo(401);
      assertThat(server.currentToken()).isEmpty();
    }

    @Test
    void expiresTokensInRealTime() {
      FakeCtcServer server = start(FakeCtcServer.builder().tokenLifetime(Duration.ofMillis(1500)));
      String token = fetchToken(server);

      await().atMost(WAIT).until(() -> callApi(server, token) == 401);

      assertThat(server.currentToken()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"wrong-secret", ""})
    void answersWrongCredentialsWithAnErrcodeAndKeepsTheCurrentToken(String secret) {
      FakeCtcServer server = start();
      String token = fetchToken(server);

      HttpResponse<String> reply = get(URI.create(server.tokenUri() + "?clientId=fake-client-id&clientSecret=" + secret));

      assertThat(reply.statusCode()).isEqualTo(200);
      assertThat(reply.body()).isEqualTo(errorBody("\"40001\"", "invalid clientId or clientSecret"));
      assertThat(server.fetches()).isEqualTo(1);
      assertThat(server.tokenRequests()).isEqualTo(2);
      assertThat(server.currentToken()).hasValue(token);
      assertThat(callApi(server, token)).isEqualTo(200);
    }

    @Test
    void answersAWrongClientIdAndMissingParametersWithTheErrcode() {
      FakeCtcServer server = start();

      assertThat(get(URI.create(server.tokenUri() + "?clientId=other&clientSecret=fake-client-secret")).body())
          .contains("\"errcode\":\"40001\"");
      assertThat(get(server.tokenUri()).body()).contains("\"errcode\":\"40001\"");
      assertThat(server.fetches()).isZero();
      assertThat(server.currentToken()).isEmpty();
    }

    @Test
    void acceptsOnlyGet() {
      FakeCtcServer server = start();

      HttpResponse<String> reply = send(HttpRequest.newBuilder(tokenRequest(server))
          .POST(BodyPublishers.ofString("x")).build());

      assertThat(reply.statusCode()).isEqualTo(405);
      assertThat(reply.headers().firstValue("Allow")).hasValue("GET");
      assertThat(server.tokenRequests()).isEqualTo(1);
      assertThat(server.fetches()).isZero();
      assertThat(server.lastTokenRequestMethod()).isEqualTo("POST");
    }

    @Test
    void treatsAQueryThatIsNotPercentEncodingAsMalformed() {
      // the JDK server refuses such a request line itself; the decoder still never guesses
      assertThat(com.ctcfile.token.testkit.TokenEndpoint.decodeQuery("clientId=%zz&clientSecret=x")).isNull();
      assertThat(com.ctcfile.token.testkit.TokenEndpoint.decodeQuery("clientId=a%2")).isNull();
      assertThat(com.ctcfile.token.testkit.TokenEndpoint.decodeQuery(null)).isEmpty();
      assertThat(com.ctcfile.token.testkit.TokenEndpoint.decodeQuery("&&a=1&")).containsExactly(Map.entry("a", "1"));
    }

    @Test
    void servesOnlyItsExactPath() {
      FakeCtcServer server = start();

      assertThat(get(URI.create(server.tokenUri() + "s?clientId=fake-client-id&clientSecret=fake-client-secret"))
          .statusCode()).isEqualTo(404);
      assertThat(get(URI.create(server.endpoint() + "/elsewhere")).statusCode()).isEqualTo(404);
      assertThat(server.tokenRequests()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a&b", "a=b", "a+b", "100%", "a/b", "a?b", "a b", "& = + % / ?", "秘密", "é", "😀",
        "%20", "a%2Bb"})
    void decodesQueryParametersAsUtf8PercentEncoding(String secret) {
      FakeCtcServer server = start(FakeCtcServer.builder().clientId("id " + secret).clientSecret(secret));

      HttpResponse<String> reply = fetch(server);

      assertThat(reply.body()).contains("\"errcode\":\"\"");
      assertThat(server.lastTokenRequestParams())
          .containsExactlyInAnyOrderEntriesOf(Map.of("clientId", "id " + secret, "clientSecret", secret));
      assertThat(server.lastTokenRequestRawTarget())
          .isEqualTo("/oauth/accesstoken?" + tokenRequest(server).getRawQuery());
    }

    @Test
    void decodesPlusAsSpaceAndKeepsTheFirstOfRepeatedNames() {
      FakeCtcServer server = start(FakeCtcServer.builder().clientId("a b").clientSecret("c d"));

      HttpResponse<String> reply = get(URI.create(server.tokenUri()
          + "?clientId=a+b&clientSecret=c%20d&clientSecret=other&flag"));

      assertThat(reply.body()).contains("\"errcode\":\"\"");
      assertThat(server.lastTokenRequestParams())
          .containsExactly(Map.entry("clientId", "a b"), Map.entry("clientSecret", "c d"), Map.entry("flag", ""));
      assertThatThrownBy(() -> server.lastTokenRequestParams().put("x", "y"))
          .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void recordsTheHeadersOfTheLastTokenRequest() {
      FakeCtcServer server = start();
      assertThat(server.lastTokenRequestParams()).isEmpty();
      assertThat(server.lastTokenRequestHeader("Accept")).isEmpty();

      send(HttpRequest.newBuilder(tokenRequest(server)).header("Accept", "application/json")
          .header("X-Trace", "t-1").build());

      assertThat(server.lastTokenRequestHeader("accept")).hasValue("application/json");
      assertThat(server.lastTokenRequestHeader("X-TRACE")).hasValue("t-1");
      assertThat(server.lastTokenRequestHeader("X-Missing")).isEmpty();
      assertThat(server.lastTokenRequestMethod()).isEqualTo("GET");
    }
  }

  @Nested
  class Invalidation {

    @Test
    void everyFetchInvalidatesThePreviousTokenAtOnce() {
      FakeCtcServer server = start();
      String first = fetchToken(server);
      assertThat(callApi(server, first)).isEqualTo(200);

      String second = fetchToken(server);

      assertThat(callApi(server, first)).isEqualTo(401);
      assertThat(callApi(server, second)).isEqualTo(200);
      assertThat(server.accepted()).isEqualTo(2);
      assertThat(server.rejected()).isEqualTo(1);
    }

    @Test
    void aGracePeriodKeepsTheReplacedTokenForThatLong() {
      FakeCtcServer server = startOnManualClock(FakeCtcServer.builder().gracePeriod(Duration.ofSeconds(10)));
      String first = fetchToken(server);
      String second = fetchToken(server);

      advance(Duration.ofMillis(9_999));
      assertThat(callApi(server, first)).isEqualTo(200);
      advance(Duration.ofMillis(1));
      assertThat(callApi(server, first)).isEqualTo(401);
      assertThat(callApi(server, second)).isEqualTo(200);
    }

    @Test
    void aGracePeriodNeverOutlivesTheTokenItself() {
      FakeCtcServer server = startOnManualClock(FakeCtcServer.builder()
          .tokenLifetime(Duration.ofSeconds(5)).gracePeriod(Duration.ofSeconds(10)));
      String first = fetchToken(server);
      advance(Duration.ofSeconds(1));
      fetchToken(server);

      advance(Duration.ofMillis(3_999));
      assertThat(callApi(server, first)).isEqualTo(200);
      advance(Duration.ofMillis(1));
      assertThat(callApi(server, first)).isEqualTo(401);
    }

    @Test
    void anOutOfBandFetchInvalidatesTheCurrentTokenWithoutCountingAsAFetch() {
      FakeCtcServer server = start();
      String ours = fetchToken(server);

      String theirs = server.issueTokenOutOfBand();

      assertThat(theirs).isNotEqualTo(ours).hasSize(790);
      assertThat(server.currentToken()).hasValue(theirs);
      assertThat(callApi(server, ours)).isEqualTo(401);
      assertThat(callApi(server, theirs)).isEqualTo(200);
      assertThat(server.fetches()).isEqualTo(1);
      assertThat(server.tokenRequests()).isEqualTo(1);
    }

    @Test
    void rejectEveryTokenRejectsEvenTheCurrentOneUntilSwitchedOff() {
      FakeCtcServer server = start();
      String token = fetchToken(server);

      server.rejectEveryToken(true);
      assertThat(callApi(server, token)).isEqualTo(401);
      server.rejectEveryToken(false);
      assertThat(callApi(server, token)).isEqualTo(200);
    }
  }

  @Nested
  class ProtectedEndpoint {

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST", "PUT", "DELETE", "PATCH"})
    void acceptsTheCurrentTokenOnAnyMethodAndPathUnderApi(String method) {
      FakeCtcServer server = start();
      String token = fetchToken(server);

      HttpResponse<String> reply = send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/api/orders/42?x=1"))
          .method(method, BodyPublishers.ofString("{\"order\":\"" + "x".repeat(100_000) + "\"}"))
          .header("Authorization", "Bearer " + token).build());

      assertThat(reply.statusCode()).isEqualTo(200);
      assertThat(reply.body()).isEqualTo("{\"ok\":true}");
      assertThat(reply.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(server.accepted()).isEqualTo(1);
    }

    @Test
    void answersHeadWithoutABody() {
      FakeCtcServer server = start();
      String token = fetchToken(server);

      HttpResponse<String> reply = send(HttpRequest.newBuilder(server.protectedUri())
          .method("HEAD", BodyPublishers.noBody()).header("Authorization", "Bearer " + token).build());

      assertThat(reply.statusCode()).isEqualTo(200);
      assertThat(reply.body()).isEmpty();
    }

    @Test
    void takesTheBearerSchemeInAnyCase() {
      FakeCtcServer server = start();
      String token = fetchToken(server);

      assertThat(send(HttpRequest.newBuilder(server.protectedUri()).header("Authorization", "bearer " + token).build())
          .statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer", "Bearer ", "Bearer not-the-token", "Basic Zm9vOmJhcg==", "Token {token}"})
    void rejectsAnythingButTheCurrentBearerToken(String authorization) {
      FakeCtcServer server = start();
      String token = fetchToken(server);
      HttpRequest.Builder request = HttpRequest.newBuilder(server.protectedUri());
      if (!authorization.isEmpty()) {
        request.header("Authorization", authorization.replace("{token}", token));
      }

      HttpResponse<String> reply = send(request.build());

      assertThat(reply.statusCode()).isEqualTo(401);
      assertThat(reply.body()).isEqualTo("{\"errcode\":\"40001\",\"errmsg\":\"invalid access_token\"}");
      assertThat(reply.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
          value -> assertThat(value).startsWith("Bearer"));
      assertThat(server.rejected()).isEqualTo(1);
      assertThat(server.accepted()).isZero();
    }

    @Test
    void rejectsEverythingBeforeTheFirstFetch() {
      FakeCtcServer server = start();

      assertThat(callApi(server, "anything")).isEqualTo(401);
    }

    @Test
    void countsConcurrentCallsExactly() {
      FakeCtcServer server = start();
      String token = fetchToken(server);
      List<CompletableFuture<HttpResponse<Void>>> calls = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        calls.add(http.sendAsync(HttpRequest.newBuilder(server.protectedUri())
            .header("Authorization", "Bearer " + (i % 2 == 0 ? token : "stale")).build(), BodyHandlers.discarding()));
      }

      assertThat(calls).allSatisfy(call -> assertThat(call).succeedsWithin(WAIT));
      assertThat(server.accepted()).isEqualTo(25);
      assertThat(server.rejected()).isEqualTo(25);
    }
  }

  @Nested
  class Faults {

    @Test
    void replyServesStatusAndJsonBodyAndIssuesNothing() {
      FakeCtcServer server = start();
      String token = fetchToken(server);
      server.enqueue(Fault.reply(503, "{\"message\":\"maintenance\"}"));

      HttpResponse<String> reply = fetch(server);

      assertThat(reply.statusCode()).isEqualTo(503);
      assertThat(reply.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(reply.body()).isEqualTo("{\"message\":\"maintenance\"}");
      assertThat(server.fetches()).isEqualTo(1);
      assertThat(server.tokenRequests()).isEqualTo(2);
      assertThat(server.currentToken()).hasValue(token);
    }

    @Test
    void replyServesAnyContentTypeAndBytes() throws Exception {
      FakeCtcServer server = start();
      byte[] bytes = {0, 1, (byte) 0xff, '<', 'h', '>'};
      server.enqueue(Fault.reply(502, "text/html", bytes));

      HttpResponse<byte[]> reply = http.send(HttpRequest.newBuilder(tokenRequest(server)).build(),
          BodyHandlers.ofByteArray());

      assertThat(reply.statusCode()).isEqualTo(502);
      assertThat(reply.headers().firstValue("Content-Type")).hasValue("text/html");
      assertThat(reply.body()).isEqualTo(bytes);
    }

    @Test
    void replyServesAnEmptyBody() {
      FakeCtcServer server = start();
      server.enqueue(Fault.reply(204, "application/json", new byte[0]));
      server.enqueue(Fault.reply(500, ""));

      assertThat(fetch(server).statusCode()).isEqualTo(204);
      HttpResponse<String> empty500 = fetch(server);
      assertThat(empty500.statusCode()).isEqualTo(500);
      assertThat(empty500.body()).isEmpty();
    }

    @Test
    void replyRefusesAStatusOutsideTheServableRange() {
      assertThatThrownBy(() -> Fault.reply(99, "{}")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Fault.reply(600, "{}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void replyCarriesExtraHeaders() {
      FakeCtcServer server = start();
      server.enqueue(Fault.reply(302, "{}").withHeader("Location", "http://elsewhere.invalid/"));

      HttpResponse<String> reply = fetch(server);

      assertThat(reply.statusCode()).isEqualTo(302);
      assertThat(reply.headers().firstValue("Location")).hasValue("http://elsewhere.invalid/");
    }

    @Test
    void errcodeKeepsAStringAStringAndANumberANumber() {
      FakeCtcServer server = start();
      server.enqueue(Fault.errcode("40001", "invalid \"credential\""));
      server.enqueue(Fault.errcode(40029, "rate limited"));
      server.enqueue(Fault.errcode(0, null));
      server.enqueue(Fault.errcode(null, "no code"));

      assertThat(fetch(server).body()).isEqualTo(errorBody("\"40001\"", "invalid \\\"credential\\\""));
      HttpResponse<String> numeric = fetch(server);
      assertThat(numeric.statusCode()).isEqualTo(200);
      assertThat(numeric.body()).isEqualTo(errorBody("40029", "rate limited"));
      assertThat(fetch(server).body()).isEqualTo(errorBody("0", ""));
      assertThat(fetch(server).body()).isEqualTo(errorBody("null", "no code"));
      assertThat(server.fetches()).isZero();
    }

    @Test
    void errcodeRefusesOtherTypes() {
      assertThatThrownBy(() -> Fault.errcode(true, "x")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Fault.errcode(Double.NaN, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void successWithReplacesAFieldInPlace() {
      FakeCtcServer server = start();
      server.enqueue(Fault.successWith("{\"expires_in\":\"7200\"}"));

      HttpResponse<String> reply = fetch(server);

      String token = server.currentToken().orElseThrow();
      assertThat(reply.body()).isEqualTo(successBody(token, 3600).replace("3600", "\"7200\""));
      assertThat(server.fetches()).isEqualTo(1);
    }

    @Test
    void successWithRemovesNullFieldsAndAppendsNewOnes() {
      FakeCtcServer server = start();
      server.enqueue(Fault.successWith(
          " { \"expires_in\" : null, \"scope\":[\"ctc\",{\"x\":null}], \"n\":-1.5e3, \"b\":true } "));

      HttpResponse<String> reply = fetch(server);

      assertThat(reply.body()).isEqualTo("{\"token_type\":\"\",\"access_token\":\"" + server.currentToken().orElseThrow()
          + "\",\"refresh_token\":\"\",\"errcode\":\"\",\"errmsg\":\"\",\"scope\":[\"ctc\",{\"x\":null}],"
          + "\"n\":-1.5e3,\"b\":true}");
    }

    @Test
    void successWithAnAccessTokenMakesItTheCurrentToken() {
      FakeCtcServer server = start();
      String before = fetchToken(server);
      server.enqueue(Fault.successWith("{\"access_token\":\"a b\\u0041\"}"));

      HttpResponse<String> reply = fetch(server);

      assertThat(reply.body()).contains("\"access_token\":\"a b\\u0041\"");
      assertThat(server.currentToken()).hasValue("a bA");
      assertThat(server.fetches()).isEqualTo(2);
      assertThat(callApi(server, before)).isEqualTo(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"access_token\":null}", "{\"access_token\":\"\"}", "{\"access_token\":42}"})
    void successWithoutAStringTokenIssuesNothing(String override) {
      FakeCtcServer server = start();
      String before = fetchToken(server);
      server.enqueue(Fault.successWith(override));

      assertThat(fetch(server).statusCode()).isEqualTo(200);

      assertThat(server.currentToken()).hasValue(before);
      assertThat(server.fetches()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{", "{\"a\":}", "{\"a\":1}x", "{a:1}", "{\"a\":1,}", "{\"a\":tru}",
        "{\"a\":\"\\x\"}", "{\"a\":-}"})
    void successWithRefusesTextThatIsNotAJsonObject(String override) {
      assertThatThrownBy(() -> Fault.successWith(override)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void delayWaitsBeforeTheNormalReply() throws Exception {
      FakeCtcServer server = start();
      server.enqueue(Fault.delay(Duration.ofSeconds(30)));
      server.enqueue(Fault.delay(Duration.ofMillis(50)));

      assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(tokenRequest(server)).timeout(Duration.ofMillis(300))
          .build(), BodyHandlers.discarding())).isInstanceOf(HttpTimeoutException.class);
      HttpResponse<String> late = fetch(server);

      assertThat(late.body()).isEqualTo(successBody(server.currentToken().orElseThrow(), 3600));
    }

    @Test
    void delayStillChecksTheCredentials() {
      FakeCtcServer server = start();
      server.enqueue(Fault.delay(Duration.ZERO));

      assertThat(get(server.tokenUri()).body()).contains("\"errcode\":\"40001\"");
      assertThat(server.fetches()).isZero();
    }

    @Test
    void dropConnectionClosesWithoutAReply() throws Exception {
      FakeCtcServer server = start();
      server.enqueue(Fault.dropConnection());

      try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), server.port())) {
        socket.getOutputStream().write(("GET " + tokenRequest(server).getRawPath() + "?"
            + tokenRequest(server).getRawQuery() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        assertThat(socket.getInputStream().readAllBytes()).as("the reply").isEmpty();
      }
      assertThat(server.tokenRequests()).isEqualTo(1);
      assertThat(server.fetches()).isZero();
      assertThat(fetch(server).statusCode()).isEqualTo(200);
    }

    @Test
    void dropConnectionFailsAnHttpClient() {
      FakeCtcServer server = start();
      // the JDK client retries a GET once on a connection closed before the reply
      server.enqueue(Fault.dropConnection());
      server.enqueue(Fault.dropConnection());

      assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(tokenRequest(server)).build(),
          BodyHandlers.discarding())).isInstanceOf(IOException.class);
      assertThat(server.tokenRequests()).isEqualTo(2);
    }

    @Test
    void hugeBodyStreamsExactlyThatManyBytesChunked() throws Exception {
      FakeCtcServer server = start();
      server.enqueue(Fault.hugeBody(300_000));

      HttpResponse<byte[]> reply = http.send(HttpRequest.newBuilder(tokenRequest(server)).build(),
          BodyHandlers.ofByteArray());

      assertThat(reply.statusCode()).isEqualTo(200);
      assertThat(reply.headers().firstValue("Content-Length")).isEmpty();
      assertThat(reply.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
      assertThat(reply.body()).hasSize(300_000);
      assertThat(new String(reply.body(), 0, 12, StandardCharsets.US_ASCII)).isEqualTo("{\"padding\":\"");
      assertThat(server.lastReplyBytesWritten()).isEqualTo(300_000);
      assertThat(server.fetches()).isZero();
    }

    @Test
    void hugeBodyStopsWhenTheClientGoesAway() throws Exception {
      FakeCtcServer server = start();
      int huge = 256 * 1024 * 1024;
      server.enqueue(Fault.hugeBody(huge));

      HttpResponse<InputStream> reply = http.send(HttpRequest.newBuilder(tokenRequest(server)).build(),
          BodyHandlers.ofInputStream());
      try (InputStream body = reply.body()) {
        assertThat(body.readNBytes(64 * 1024)).hasSize(64 * 1024);
      }

      await().atMost(WAIT).until(() -> server.tokenRequestsFinished() == 1);
      assertThat(server.lastReplyBytesWritten()).isBetween(64L * 1024, huge / 2L);
    }

    @Test
    void stallBodySendsTheHeadOfTheReplyThenStalls() throws Exception {
      FakeCtcServer server = start();
      server.enqueue(Fault.stallBody(Duration.ofSeconds(30)));

      HttpResponse<InputStream> reply = http.send(HttpRequest.newBuilder(tokenRequest(server)).build(),
          BodyHandlers.ofInputStream());
      try (InputStream body = reply.body()) {
        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(new String(body.readNBytes(16), StandardCharsets.UTF_8)).isEqualTo("{\"token_type\":\"\"");
        assertThat(server.lastReplyBytesWritten()).isEqualTo(16);
        assertThat(server.fetches()).isEqualTo(1);
        assertThat(server.tokenRequestsFinished()).as("the reply is still stalled").isZero();
      }
    }

    @Test
    void stallBodyFinishesTheReplyAfterTheStall() {
      FakeCtcServer server = start();
      server.enqueue(Fault.stallBody(Duration.ofMillis(200)));

      HttpResponse<String> reply = fetch(server);

      assertThat(reply.body()).isEqualTo(successBody(server.currentToken().orElseThrow(), 3600));
      assertThat(server.lastReplyBytesWritten()).isEqualTo(reply.body().length());
    }

    @Test
    void faultsAreUsedOnceEachInOrder() {
      FakeCtcServer server = start();
      server.enqueue(Fault.reply(500, "{}"));
      server.enqueue(Fault.errcode("40029", "slow down"));

      assertThat(fetch(server).statusCode()).isEqualTo(500);
      assertThat(fetch(server).body()).contains("\"errcode\":\"40029\"");
      assertThat(fetch(server).body()).contains("\"errcode\":\"\"");
      assertThat(server.tokenRequests()).isEqualTo(3);
      assertThat(server.fetches()).isEqualTo(1);
    }

    @Test
    void faultsLeaveTheProtectedEndpointAlone() {
      FakeCtcServer server = start();
      String token = fetchToken(server);
      server.enqueue(Fault.reply(500, "{}"));

      assertThat(callApi(server, token)).isEqualTo(200);
      assertThat(fetch(server).statusCode()).isEqualTo(500);
    }

    @Test
    void faultFactoriesRefuseNegativeSizesAndDurations() {
      assertThatThrownBy(() -> Fault.hugeBody(-1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Fault.delay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Fault.stallBody(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"delay", "lateIssue", "hold"})
    void aWaitingFaultIssuesItsTokenWhenTheReplyIsWrittenEvenIfTheClientGaveUp(String kind) throws Exception {
      FakeCtcServer server = start();
      String before = fetchToken(server);
      CountDownLatch release = new CountDownLatch(1);
      Duration wait = Duration.ofMillis(800);
      server.enqueue(kind.equals("delay") ? Fault.delay(wait) : kind.equals("lateIssue") ? Fault.lateIssue(wait)
          : Fault.hold(release));
      HttpRequest impatient = HttpRequest.newBuilder(tokenRequest(server)).timeout(Duration.ofMillis(100)).build();

      assertThatThrownBy(() -> http.send(impatient, BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
      assertThat(server.fetches()).as("nothing issued while the reply waits").isEqualTo(1);
      release.countDown();

      await().atMost(WAIT).until(() -> server.fetches() == 2);
      assertThat(server.currentToken()).hasValueSatisfying(late -> assertThat(late).isNotEqualTo(before));
      assertThat(callApi(server, before)).as("the token the client holds, invalidated by the late issue").isEqualTo(401);
    }

    @Test
    void lateIssueChecksCredentialsAndNamesItself() {
      FakeCtcServer server = start();
      server.enqueue(Fault.lateIssue(Duration.ZERO));

      assertThat(get(TokenRequestUri.of(server.endpoint(), server.clientId(), "wrong")).body())
          .contains("\"errcode\":\"40001\"");
      assertThat(server.fetches()).isZero();
      assertThat(Fault.lateIssue(Duration.ofSeconds(2))).hasToString("Fault.lateIssue(PT2S)");
      assertThatThrownBy(() -> Fault.lateIssue(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Lifetimes {

    @Test
    void theNextFetchesTakeTheQueuedLifetimesThenTheConfiguredOne() {
      FakeCtcServer server = startOnManualClock(FakeCtcServer.builder().tokenLifetime(Duration.ofSeconds(60)));
      server.enqueueLifetimes(Duration.ofSeconds(3), Duration.ofMillis(1500), Duration.ofSeconds(4));

      assertThat(fetch(server).body()).contains("\"expires_in\":3,");
      assertThat(fetch(server).body()).contains("\"expires_in\":2,");
      assertThat(fetch(server).body()).contains("\"expires_in\":4,");
      assertThat(fetch(server).body()).contains("\"expires_in\":60,");
      assertThat(server.fetches()).isEqualTo(4);
    }

    @Test
    void theServerEnforcesEachTokensOwnLifetime() {
      FakeCtcServer server = startOnManualClock(FakeCtcServer.builder().tokenLifetime(Duration.ofSeconds(60))
          .gracePeriod(Duration.ofSeconds(30)));
      server.enqueueLifetimes(Duration.ofMillis(1500), Duration.ofSeconds(4));
      String short1 = fetchToken(server);
      String long2 = fetchToken(server);

      advance(Duration.ofMillis(1500));

      assertThat(callApi(server, short1)).as("1.5 s old, still in its grace period, past its lifetime").isEqualTo(401);
      assertThat(callApi(server, long2)).isEqualTo(200);
      advance(Duration.ofMillis(2500));
      assertThat(callApi(server, long2)).isEqualTo(401);
    }

    @Test
    void failedAndOutOfBandRequestsTakeNoQueuedLifetime() {
      FakeCtcServer server = startOnManualClock(FakeCtcServer.builder());
      server.enqueueLifetimes(Duration.ofSeconds(5));
      server.enqueue(Fault.reply(503, "{}"));

      fetch(server);
      get(TokenRequestUri.of(server.endpoint(), server.clientId(), "wrong"));
      server.issueTokenOutOfBand();

      assertThat(fetch(server).body()).contains("\"expires_in\":5,");
    }

    @Test
    void successWithTakesTheQueuedLifetimeUnlessItOverridesExpiresIn() {
      FakeCtcServer server = startOnManualClock(FakeCtcServer.builder());
      server.enqueueLifetimes(Duration.ofSeconds(7), Duration.ofSeconds(8));
      server.enqueue(Fault.successWith("{\"token_type\":\"Bearer\"}"));
      server.enqueue(Fault.successWith("{\"expires_in\":\"7200\"}"));

      assertThat(fetch(server).body()).contains("\"expires_in\":7,");
      assertThat(fetch(server).body()).contains("\"expires_in\":\"7200\"");
      String token = server.currentToken().orElseThrow();
      advance(Duration.ofSeconds(8));
      assertThat(callApi(server, token)).as("the server enforces the queued 8 s").isEqualTo(401);
    }

    @Test
    void refusesLifetimesThatAreNotPositive() {
      FakeCtcServer server = start();

      assertThatThrownBy(() -> server.enqueueLifetimes(Duration.ofSeconds(1), Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lifetime");
      assertThatThrownBy(() -> server.enqueueLifetimes((Duration) null)).isInstanceOf(NullPointerException.class);
      assertThat(fetch(server).body()).as("nothing was queued").contains("\"expires_in\":3600,");
    }
  }
}
