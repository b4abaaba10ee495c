package com.ctcfile.token.transport.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.testkit.FakeCtcServer;
import io.micronaut.context.ApplicationContext;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs in a surefire execution of its own whose class path lacks ctc-token-micrometer, Micrometer and
 * micronaut-management, the module's optional dependencies for meters and health: the application
 * starts and serves tokens, with neither.
 */
class WithoutMetricsOrManagementTest {

  private final FakeCtcServer server = FakeCtcServer.builder().build().start();

  @AfterEach
  void stopServer() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"com.ctcfile.token.micrometer.CtcTokenMetrics", "io.micrometer.core.instrument.MeterRegistry",
      "io.micronaut.management.health.indicator.HealthIndicator"})
  void theClassPathLacks(String className) {
    assertThatThrownBy(() -> Class.forName(className)).isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void startsAndServesTokensWithoutMetersOrHealth() {
    Map<String, Object> properties = new HashMap<>();
    properties.put("ctc.token.endpoint", server.endpoint().toString());
    properties.put("ctc.token.client-id", server.clientId());
    properties.put("ctc.token.client-secret", server.clientSecret());
    try (ApplicationContext context = ApplicationContext.run(properties)) {
      assertThat(context.getBean(CtcApi.class).protectedResource()).contains("\"ok\":true");
      assertThat(context.getBean(TokenProvider.class).token().value()).isEqualTo(server.currentToken().orElseThrow());

      assertThat(context.getBeansOfType(TokenEventListener.class)).isEmpty();
      assertThat(context.getBeanDefinitions(Object.class)).noneMatch(definition ->
          definition.getBeanType().getName().equals("com.ctcfile.token.transport.micronaut.CtcTokenHealthIndicator"));
    }
  }
}
