package com.ctcfile.token.transport.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.testkit.FakeCtcServer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The beans made from {@code ctc.token.*}, and the startup failures of a bad configuration. */
class CtcTokenConfigurationTest {

  static final String SECRET = "s3cr-micronaut-secret";

  private final FakeCtcServer server = FakeCtcServer.builder().clientSecret(SECRET).build().start();

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

  @Test
  void wiresATokenManagerFromTheProperties() {
    Map<String, Object> properties = properties();
    properties.put("ctc.token.fetch-timeout", "3s");
    properties.put("ctc.token.lease-duration", "20s");
    properties.put("ctc.token.refresh-ahead", "2m");
    try (ApplicationContext context = ApplicationContext.run(properties)) {
      TokenProvider provider = context.getBean(TokenProvider.class);

      assertThat(provider).isInstanceOf(TokenManager.class)
          .isSameAs(context.getBean(TokenProvider.class, Qualifiers.byName(CtcTokenFactory.BEAN_NAME)));
      assertThat(((TokenManager) provider).key().toString()).contains(server.clientId());
      assertThat(provider.token().value()).isEqualTo(server.currentToken().orElseThrow());
      CtcTokenProperties bound = context.getBean(CtcTokenProperties.class);
      assertThat(bound.getFetchTimeout()).isEqualTo(Duration.ofSeconds(3));
      assertThat(bound.getLeaseDuration()).isEqualTo(Duration.ofSeconds(20));
      assertThat(bound.getRefreshAhead()).contains(Duration.ofMinutes(2));
      assertThat(bound.storeKind()).isEqualTo("memory");
    }
  }

  @Test
  void theApplicationsListenerBeansObserveTheManager() {
    java.util.List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.ctcfile.token.core.port.TokenEventListener listener = new com.ctcfile.token.core.port.TokenEventListener() {
      @Override
      public void fetchSucceeded(com.ctcfile.token.core.port.TokenKey key, long version, Duration took) {
        events.add("fetched v" + version);
      }
    };
    try (ApplicationContext context = ApplicationContext.builder().properties(properties()).singletons(listener)
        .start()) {
      context.getBean(TokenProvider.class).token();

      assertThat(events).containsExactly("fetched v1");
    }
  }

  @Test
  void closesTheProviderWithTheContext() {
    TokenProvider provider;
    try (ApplicationContext context = ApplicationContext.run(properties())) {
      provider = context.getBean(TokenProvider.class);
      provider.token();
    }

    assertThatThrownBy(provider::token).isInstanceOf(CtcTokenException.class).hasMessageContaining("closed");
  }

  @Test
  void sendsTheTokenRequestWithTheCtcTokenClientConfiguration() {
    try (ProxyProbe proxy = ProxyProbe.start()) {
      Map<String, Object> properties = properties();
      properties.put("micronaut.http.services.ctc-token.proxy-type", "http");
      properties.put("micronaut.http.services.ctc-token.proxy-address", "127.0.0.1:" + proxy.port());
      try (ApplicationContext context = ApplicationContext.run(properties)) {
        // the probe closes the connection, so no token arrives
        assertThatThrownBy(() -> context.getBean(TokenProvider.class).token()).isInstanceOf(CtcTokenException.class);

        assertThat(proxy.requestLines()).as("what reached the configured proxy")
            .containsExactly("CONNECT 127.0.0.1:" + server.port() + " HTTP/1.1");
        assertThat(server.tokenRequests()).isZero();
      }
    }
  }

  @Test
  void makesNothingWithoutCtcTokenProperties() {
    try (ApplicationContext context = ApplicationContext.run()) {
      assertThat(context.containsBean(TokenProvider.class)).isFalse();
      assertThat(context.containsBean(CtcBearerFilter.class)).isFalse();
    }
  }

  static Stream<Arguments> badConfigurations() {
    return Stream.of(
        Arguments.of("ctc.token.endpoint", null, "ctc.token.endpoint"),
        Arguments.of("ctc.token.client-id", null, "ctc.token.client-id"),
        Arguments.of("ctc.token.client-secret", null, "ctc.token.client-secret"),
        Arguments.of("ctc.token.client-id", " ", "ctc.token.client-id"),
        Arguments.of("ctc.token.endpoint", "coresite.ctcfile.com", "ctc.token.endpoint"),
        Arguments.of("ctc.token.endpoint", "ftp://coresite.ctcfile.com", "ctc.token.endpoint"),
        Arguments.of("ctc.token.endpoint", "https://coresite.ctcfile.com/?a=b", "ctc.token.endpoint"),
        Arguments.of("ctc.token.endpoint", "http://coresite.ctcfile.com", "ctc.token.allow-insecure-http"),
        Arguments.of("ctc.token.fetch-timeout", "ten seconds", "ctc.token.fetch-timeout"),
        Arguments.of("ctc.token.fetch-timeout", "0s", "ctc.token.fetch-timeout"),
        Arguments.of("ctc.token.lease-duration", "5s", "ctc.token.lease-duration"),
        Arguments.of("ctc.token.refresh-ahead", "-1s", "ctc.token.refresh-ahead"),
        Arguments.of("ctc.token.store", "redis", "ctc.token.store"),
        Arguments.of("ctc.token.filter.hosts", "https://api.ctcfile.com/", "ctc.token.filter.hosts"),
        Arguments.of("ctc.token.filter.patterns", "api/**", "ctc.token.filter.patterns"),
        Arguments.of("ctc.token.jdbc.table-name", " ", "ctc.token.jdbc.table-name"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badConfigurations")
  void failsStartupNamingTheProperty(String property, String value, String named) {
    Map<String, Object> properties = properties();
    properties.remove(property);
    if (value != null) {
      properties.put(property, value);
    }

    assertThatThrownBy(() -> ApplicationContext.run(properties).close())
        .satisfies(failure -> {
          assertThat(messagesOf(failure)).contains(named).doesNotContain(SECRET);
        });
  }

  @Test
  void neverPrintsTheSecret() {
    try (ApplicationContext context = ApplicationContext.run(properties())) {
      CtcTokenProperties bound = context.getBean(CtcTokenProperties.class);

      assertThat(bound.getClientSecret()).isEqualTo(SECRET);
      assertThat(bound.toString()).doesNotContain(SECRET).contains("clientSecret=<redacted>");
      assertThat(context.getBean(TokenProvider.class).toString()).doesNotContain(SECRET);
      assertThat(context.getBean(CtcBearerFilter.class).toString()).doesNotContain(SECRET);
    }
  }

  static String messagesOf(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      text.append(t).append('\n');
    }
    return text.toString();
  }
}
