package com.ctcfile.token.transport.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.testkit.Fault;
import com.ctcfile.token.testkit.FakeCtcServer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bearer filter in a real application context, in front of a {@link FakeCtcServer}: which calls
 * get the token, how a 401 is healed, and that nothing waits for a token on the caller's thread.
 */
class CtcBearerFilterTest {

  private final FakeCtcServer server = FakeCtcServer.builder().build().start();
  private final RecordingServer other = RecordingServer.start();
  private ApplicationContext context;

  @AfterEach
  void stop() {
    if (context != null) {
      context.close();
    }
    server.close();
    other.close();
  }

  private ApplicationContext start(Map<String, Object> extra) {
    Map<String, Object> properties = new HashMap<>(Map.of(
        "ctc.token.endpoint", server.endpoint().toString(),
        "ctc.token.client-id", server.clientId(),
        "ctc.token.client-secret", server.clientSecret(),
        "test.other-host", other.uri("").toString()));
    properties.putAll(extra);
    context = ApplicationContext.run(properties);
    return context;
  }

  @Test
  void aDeclarativeClientsCallsCarryTheToken() {
    CtcApi api = start(Map.of()).getBean(CtcApi.class);

    assertThat(api.protectedResource()).contains("\"ok\":true");
    assertThat(api.protectedResource()).contains("\"ok\":true");

    assertThat(server.accepted()).isEqualTo(2);
    assertThat(server.rejected()).isZero();
    assertThat(server.fetches()).isEqualTo(1);
  }

  @Test
  void healsA401WithOneMoreFetchAndOneReplay() {
    CtcApi api = start(Map.of()).getBean(CtcApi.class);
    api.protectedResource();
    server.issueTokenOutOfBand(); // someone else fetched: the held token is dead

    HttpResponse<String> response = api.exchangeProtected();

    assertThat(response.code()).isEqualTo(200);
    assertThat(server.rejected()).isEqualTo(1);
    assertThat(server.accepted()).isEqualTo(2);
    assertThat(server.fetches()).isEqualTo(2);
  }

  @Test
  void runsAfterTheApplicationsFilters() {
    ApplicationContext context = start(Map.of("test.application-filter", "true"));
    CtcApi api = context.getBean(CtcApi.class);
    api.protectedResource();
    server.issueTokenOutOfBand();

    api.protectedResource();

    // Micronaut runs the chain again for the replay, so the application's filter sees it, renewed token and all
    assertThat(context.getBean(ApplicationFilter.class).seen)
        .as("before the token is set on each call, then the replay")
        .containsExactly(Optional.empty(), Optional.empty(), Optional.of("Bearer " + server.currentToken().orElseThrow()));
    assertThat(server.accepted()).isEqualTo(2);
  }

  @Test
  void returnsASecond401AsIs() {
    CtcApi api = start(Map.of()).getBean(CtcApi.class);
    api.protectedResource();
    server.rejectEveryToken(true);

    assertThatThrownBy(api::protectedResource)
        .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(401));

    assertThat(server.rejected()).as("the first attempt and exactly one replay").isEqualTo(2);
    assertThat(server.fetches()).as("the first token and one renewal").isEqualTo(2);
  }

  @Test
  void callsToAnotherHostCarryNoToken() {
    ApplicationContext context = start(Map.of());
    context.getBean(CtcApi.class).protectedResource();

    assertThat(context.getBean(OtherHostApi.class).anything()).contains("ok");

    assertThat(other.authorizations()).containsExactly(Optional.empty());
  }

  @Test
  void theTokenDoesNotFollowARedirectToAnotherHost() {
    ApplicationContext context = start(Map.of("ctc.token.filter.hosts", "127.0.0.1:" + other.uri("").getPort()));
    HttpClient client = context.createBean(HttpClient.class, other.uri(""));

    String target = "http://localhost:" + other.uri("").getPort() + "/elsewhere";
    client.toBlocking().retrieve(HttpRequest.GET("/redirect?to=" + target));

    assertThat(other.authorizations()).hasSize(2);
    assertThat(other.authorizations().get(0)).as("the configured host gets the token")
        .hasValueSatisfying(header -> assertThat(header).isEqualTo("Bearer " + server.currentToken().orElseThrow()));
    assertThat(other.authorizations().get(1)).as("localhost is not a configured host").isEmpty();
  }

  @Test
  void keepsAnAuthorizationTheCallerSet() {
    ApplicationContext context = start(Map.of("ctc.token.filter.hosts", "127.0.0.1"));
    HttpClient client = context.createBean(HttpClient.class, other.uri(""));

    client.toBlocking().retrieve(HttpRequest.GET("/mine").header("Authorization", "Basic bWU6eW91"));

    assertThat(other.authorizations()).containsExactly(Optional.of("Basic bWU6eW91"));
    assertThat(server.fetches()).isZero();
  }

  @Test
  void patternsLimitThePathsThatGetTheToken() {
    ApplicationContext context = start(Map.of(
        "ctc.token.filter.hosts", "127.0.0.1",
        "ctc.token.filter.patterns", "/api/**"));
    HttpClient client = context.createBean(HttpClient.class, other.uri(""));

    client.toBlocking().retrieve("/api/x");
    client.toBlocking().retrieve("/public/x");

    assertThat(other.authorizations().get(0)).isPresent();
    assertThat(other.authorizations().get(1)).isEmpty();
  }

  @Test
  void serviceIdsSelectTheirClientsCalls() {
    ApplicationContext context = start(Map.of(
        "ctc.token.filter.service-ids", "ctc-api",
        "micronaut.http.services.ctc-api.url", server.endpoint().toString(),
        "micronaut.http.services.other.url", other.uri("").toString()));
    HttpClient ctc = context.getBean(io.micronaut.http.client.HttpClientRegistry.class)
        .getClient(io.micronaut.http.client.HttpVersionSelection.forLegacyVersion(io.micronaut.http.HttpVersion.HTTP_1_1),
            "ctc-api", null);
    HttpClient notCtc = context.getBean(io.micronaut.http.client.HttpClientRegistry.class)
        .getClient(io.micronaut.http.client.HttpVersionSelection.forLegacyVersion(io.micronaut.http.HttpVersion.HTTP_1_1),
            "other", null);

    assertThat(ctc.toBlocking().retrieve("/api/protected")).contains("ok");
    notCtc.toBlocking().retrieve("/x");

    assertThat(server.accepted()).isEqualTo(1);
    assertThat(other.authorizations()).containsExactly(Optional.empty());
  }

  @Test
  void theFilterCanBeSwitchedOff() {
    ApplicationContext context = start(Map.of("ctc.token.filter.enabled", false));

    assertThat(context.containsBean(CtcBearerFilter.class)).isFalse();
    assertThatThrownBy(() -> context.getBean(CtcApi.class).protectedResource())
        .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(401));
  }

  @Test
  void waitsForTheTokenWithoutBlockingTheCaller() throws Exception {
    CtcApi api = start(Map.of()).getBean(CtcApi.class);
    server.enqueue(Fault.delay(Duration.ofSeconds(5)));

    CompletableFuture<String> call = api.protectedResourceAsync();

    assertThat(call).as("the call while the token endpoint is still answering").isNotDone();
    assertThat(call.get(30, TimeUnit.SECONDS)).contains("\"ok\":true");
    assertThat(server.fetches()).isEqualTo(1);
  }
}
