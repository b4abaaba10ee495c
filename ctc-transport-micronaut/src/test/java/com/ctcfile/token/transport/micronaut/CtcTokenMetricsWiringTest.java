package com.ctcfile.token.transport.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.micrometer.CtcTokenMetrics;
import com.ctcfile.token.testkit.FakeCtcServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code ctc.token.*} meters bound to the application's {@code MeterRegistry} bean, here a
 * {@link SimpleMeterRegistry}, and their switches.
 */
class CtcTokenMetricsWiringTest {

  private final FakeCtcServer server = FakeCtcServer.builder().build().start();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void stopServer() {
    server.close();
  }

  private Map<String, Object> properties() {
    Map<String, Object> properties = new HashMap<>();
    properties.put("ctc.token.endpoint", server.endpoint().toString());
    properties.put("ctc.token.client-id", server.clientId());
    properties.put("ctc.token.client-secret", server.clientSecret());
    return properties;
  }

  private ApplicationContext run(Map<String, Object> properties) {
    return ApplicationContext.builder().properties(properties).singletons(registry).start();
  }

  @Test
  void theProvidersMetersAppearInTheApplicationsRegistry() {
    try (ApplicationContext context = run(properties())) {
      assertThat(registry.get(CtcTokenMetrics.EXPIRY).tag(CtcTokenMetrics.CLIENT_TAG, server.clientId()).gauge()
          .value()).as("before the first token").isNaN();

      context.getBean(CtcApi.class).protectedResource();

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(registry.get(CtcTokenMetrics.FETCH)
          .tags(CtcTokenMetrics.CLIENT_TAG, server.clientId(), CtcTokenMetrics.REASON_TAG, "initial",
              CtcTokenMetrics.OUTCOME_TAG, "success")
          .functionTimer().count()).isEqualTo(1));
      assertThat(registry.get(CtcTokenMetrics.VERSION).gauge().value()).isEqualTo(1);
      assertThat(registry.get(CtcTokenMetrics.EXPIRY).gauge().value()).isPositive();
      assertThat(context.getBeansOfType(TokenEventListener.class)).containsExactly(context.getBean(CtcTokenMetrics.class));
    }
    assertThat(registry.find(CtcTokenMetrics.VERSION).gauges()).as("after the context closed").isEmpty();
  }

  @Test
  void hashesClientIdsWhenAsked() {
    Map<String, Object> properties = properties();
    properties.put("ctc.token.metrics.hash-client-ids", "true");
    try (ApplicationContext context = run(properties)) {
      context.getBean(TokenProvider.class).token();

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(registry.find(CtcTokenMetrics.FETCH)
          .functionTimers()).isNotEmpty());
      for (Meter meter : registry.getMeters()) {
        assertThat(meter.getId().getTag(CtcTokenMetrics.CLIENT_TAG)).as(meter.getId().getName())
            .matches("[0-9a-f]{8}").isNotEqualTo(server.clientId());
      }
    }
  }

  @Test
  void switchedOffByProperty() {
    Map<String, Object> properties = properties();
    properties.put("ctc.token.metrics.enabled", "false");
    try (ApplicationContext context = run(properties)) {
      context.getBean(TokenProvider.class).token();

      assertThat(context.containsBean(CtcTokenMetrics.class)).isFalse();
      assertThat(registry.getMeters()).isEmpty();
    }
  }

  @Test
  void absentWithoutAMeterRegistryBean() {
    try (ApplicationContext context = ApplicationContext.run(properties())) {
      assertThat(context.getBean(TokenProvider.class).token()).isNotNull();

      assertThat(context.containsBean(CtcTokenMetrics.class)).isFalse();
    }
  }

  @Test
  void theApplicationsOwnManagerBeansGetGaugesToo() {
    try (FakeCtcServer other = FakeCtcServer.builder().clientId("own-client").build().start()) {
      Map<String, Object> properties = properties();
      properties.put(OwnTokenManagerFactory.ENDPOINT, other.endpoint().toString());
      try (ApplicationContext context = run(properties)) {
        TokenManager own = context.getBean(TokenManager.class, Qualifiers.byName(OwnTokenManagerFactory.NAME));
        own.token();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(registry.get(CtcTokenMetrics.FETCH)
            .tag(CtcTokenMetrics.CLIENT_TAG, "own-client").functionTimer().count()).isEqualTo(1));
        assertThat(registry.get(CtcTokenMetrics.VERSION).tag(CtcTokenMetrics.CLIENT_TAG, "own-client").gauge().value())
            .isEqualTo(1);
        assertThat(registry.get(CtcTokenMetrics.VERSION).tag(CtcTokenMetrics.CLIENT_TAG, server.clientId()).gauge()
            .value()).as("the ctc-token provider, which fetched nothing yet").isZero();
      }
    }
  }
}
