package com.ctcfile.token.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.transport.httpclient5.HttpClient5Transport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's Micrometer example, compiled and run against {@link FakeCtcServer}. The region between
 * the tag comments is what the README shows; a test in the architecture-tests module fails if the two
 * drift apart.
 */
class ReadmeExampleTest {

  private final FakeCtcServer server = FakeCtcServer.builder().build().start();
  private final URI endpoint = server.endpoint();
  private final String clientId = server.clientId();
  private final String clientSecret = server.clientSecret();
  // in production: the application's registry (Prometheus, OTLP, ...)
  private final MeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void quickstart() {
    // tag::micrometer-quickstart[]
    CtcTokenMetrics metrics = CtcTokenMetrics.create();   // one for all managers; builder() for options
    metrics.bindTo(registry);                             // your MeterRegistry; before or after the rest

    TokenManager tokens = TokenManager.builder()
        .endpoint(endpoint)
        .clientId(clientId)
        .clientSecret(clientSecret)
        .transport(HttpClient5Transport.create())
        .listener(metrics)                                // counters and the ctc.token.fetch timer
        .build();
    metrics.monitor(tokens);                              // the ctc.token.expiry and ctc.token.version gauges
    // end::micrometer-quickstart[]
    try (tokens; metrics) {
      tokens.token();

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(registry.get("ctc.token.fetch")
          .tag("client", clientId).tag("reason", "initial").tag("outcome", "success").functionTimer().count())
          .isEqualTo(1));
      assertThat(registry.get("ctc.token.version").gauge().value()).isEqualTo(1);
      assertThat(registry.get("ctc.token.expiry").gauge().value()).isPositive();
    }
  }
}
