package com.ctcfile.token.transport.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.testkit.Fault;
import com.ctcfile.token.testkit.FakeCtcServer;
import io.micronaut.context.ApplicationContext;
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
 * What only the Micronaut filter promises, beyond the testkit's bearer contract
 * ({@link MicronautBearerContractTest}), in a real application context in front of a
 * {@link FakeCtcServer}: declarative clients, the order among the application's filters, path
 * patterns, switching the filter off, and a declarative async call that never waits on the caller's
 * thread.
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
