package com.ctcfile.token.transport.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.testkit.Fault;
import io.micronaut.context.ApplicationContext;
import io.micronaut.health.HealthStatus;
import io.micronaut.json.JsonMapper;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.indicator.HealthResult;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The {@code ctc-token} health indicator: UP and DOWN by {@code TokenStatus.healthy()}, its details, its switch. */
class CtcTokenHealthIndicatorTest {

  private static final String SECRET = "s3cr-health-secret";

  private final FakeCtcServer server = FakeCtcServer.builder().clientSecret(SECRET)
      .tokenLifetime(Duration.ofSeconds(2)).build().start();

  @AfterEach
  void stopServer() {
    server.close();
  }

  private Map<String, Object> properties() {
    Map<String, Object> properties = new HashMap<>();
    properties.put("ctc.token.endpoint", server.endpoint().toString());
    properties.put("ctc.token.client-id", server.clientId());
    properties.put("ctc.token.client-secret", SECRET);
    return properties;
  }

  private static HealthResult health(ApplicationContext context) {
    return Mono.from(context.getBean(CtcTokenHealthIndicator.class).getResult()).block();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> details(HealthResult result) {
    return (Map<String, Object>) result.getDetails();
  }

  @Test
  void upBeforeTheFirstTokenSinceNothingHasFailed() {
    try (ApplicationContext context = ApplicationContext.run(properties())) {
      HealthResult result = health(context);

      assertThat(result.getName()).isEqualTo("ctc-token");
      assertThat(result.getStatus()).isEqualTo(HealthStatus.UP);
      assertThat(details(result)).containsEntry("state", "NO_TOKEN").containsEntry("version", 0L)
          .doesNotContainKeys("timeLeft", "lastFailureCode", "nextAttempt");
    }
  }

  @Test
  void upWithTheStatusWhileAValidTokenIsHeld() {
    try (ApplicationContext context = ApplicationContext.run(properties())) {
      AccessToken token = context.getBean(TokenProvider.class).token();

      HealthResult result = health(context);

      assertThat(result.getStatus()).isEqualTo(HealthStatus.UP);
      assertThat(details(result)).containsEntry("state", "VALID").containsEntry("version", 1L)
          .containsEntry("storeReachable", true).containsKeys("expiresAt", "timeLeft")
          .doesNotContainKeys("lastFailureCode", "nextAttempt");
      assertThat(Duration.parse((String) details(result).get("timeLeft"))).isPositive();
      assertThat(details(result).toString()).doesNotContain(token.value(), SECRET, server.clientId());
    }
  }

  @Test
  void downWithTheLastFailureOnceTheTokenExpiredAndRenewalsFail() {
    try (ApplicationContext context = ApplicationContext.run(properties())) {
      context.getBean(TokenProvider.class).token();
      for (int i = 0; i < 30; i++) {
        server.enqueue(Fault.reply(503, "{}"));
      }

      await().atMost(Duration.ofSeconds(10)).until(() -> health(context).getStatus().equals(HealthStatus.DOWN));

      Map<String, Object> details = details(health(context));
      assertThat(details).containsEntry("version", 1L).containsEntry("lastFailureCode", "transport:503")
          .containsEntry("lastFailureType", "TokenTransportException");
      assertThat(Duration.parse((String) details.get("timeLeft"))).as("time left on an expired token").isNegative();
      assertThat(details.toString()).doesNotContain(SECRET, server.clientId(), "HTTP 503");
    }
  }

  @Test
  void upAgainOnceARenewalSucceeds() {
    try (ApplicationContext context = ApplicationContext.run(properties())) {
      TokenProvider tokens = context.getBean(TokenProvider.class);
      tokens.token();
      for (int i = 0; i < 3; i++) {
        server.enqueue(Fault.reply(503, "{}"));
      }

      await().atMost(Duration.ofSeconds(10)).until(() -> health(context).getStatus().equals(HealthStatus.DOWN));
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> tokens.token().version() > 1);

      assertThat(health(context).getStatus()).isEqualTo(HealthStatus.UP);
    }
  }

  @Test
  void theHealthEndpointShowsTheIndicatorAsJson() throws IOException {
    Map<String, Object> properties = properties();
    properties.put("endpoints.health.details-visible", "ANONYMOUS");
    try (ApplicationContext context = ApplicationContext.run(properties)) {
      AccessToken token = context.getBean(TokenProvider.class).token();

      HealthResult all = Mono.from(context.getBean(HealthEndpoint.class).getHealth(null)).block();
      String json = context.getBean(JsonMapper.class).writeValueAsString(all);

      // the aggregate renames each indicator's result; its key in the details keeps our name
      assertThat(json).containsPattern("\"ctc-token\":\\{\"name\":\"[^\"]+\",\"status\":\"UP\",\"details\":"
          + "\\{\"state\":\"VALID\",\"version\":1,\"expiresAt\":\"[^\"]+\",\"timeLeft\":\"PT[0-9.]+S\","
          + "\"lastRenewal\":\"[^\"]+\",\"storeReachable\":true}}").doesNotContain(token.value(), SECRET);
    }
  }

  @Test
  void switchedOffByProperty() {
    Map<String, Object> properties = properties();
    properties.put("ctc.token.health.enabled", "false");
    try (ApplicationContext context = ApplicationContext.run(properties)) {
      assertThat(context.containsBean(CtcTokenHealthIndicator.class)).isFalse();
      assertThat(context.getBean(TokenProvider.class).token()).isNotNull();
    }
  }

  @Test
  void absentWithoutCtcTokenProperties() {
    try (ApplicationContext context = ApplicationContext.run()) {
      assertThat(context.containsBean(CtcTokenHealthIndicator.class)).isFalse();
    }
  }
}
