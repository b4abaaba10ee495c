package com.ctcfile.token.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenStatus;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import com.ctcfile.token.micrometer.CtcTokenMetrics;
import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.transport.jdk.JdkHttpClientTransport;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/** Every condition and property of the auto-configuration, in application contexts against a {@link FakeCtcServer}. */
class CtcTokenAutoConfigurationTest {

  private FakeCtcServer server;
  private ApplicationContextRunner runner;

  @BeforeEach
  void start() {
    server = FakeCtcServer.builder().build().start();
    runner = StarterContexts.runner();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String[] credentials() {
    return new String[] {"ctc.token.endpoint=" + server.endpoint(), "ctc.token.client-id=" + server.clientId(),
        "ctc.token.client-secret=" + server.clientSecret()};
  }

  private ApplicationContextRunner configured() {
    return runner.withPropertyValues(credentials());
  }

  // ---- the provider

  @Test
  void withoutAnyCtcTokenPropertyThereIsNoBean() {
    runner.run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean(TokenProvider.class).doesNotHaveBean(CtcBearerInterceptor.class)
          .doesNotHaveBean(CtcTokenHealthIndicator.class).doesNotHaveBean(CtcTokenMetrics.class);
    });
  }

  @Test
  void makesATokenManagerThatIsTheTokenProviderAndClosesItWithTheContext() {
    TokenManager[] made = new TokenManager[1];
    configured().run(context -> {
      assertThat(context).hasSingleBean(TokenManager.class).hasSingleBean(TokenProvider.class);
      made[0] = context.getBean(TokenManager.class);
      assertThat(context.getBean(TokenProvider.class)).isSameAs(made[0]);
      assertThat(context.getBean(CtcTokenAutoConfiguration.BEAN_NAME)).isSameAs(made[0]);
      AccessToken token = made[0].token();
      assertThat(server.currentToken()).hasValue(token.value());
      assertThat(server.fetches()).isEqualTo(1);
    });
    assertThat(made[0].status().state()).isEqualTo(TokenStatus.State.CLOSED);
  }

  @Test
  void readsTheSecretFromTheEnvironmentVariableCtcTokenClientSecret() {
    runner.withPropertyValues("ctc.token.endpoint=" + server.endpoint(), "ctc.token.client-id=" + server.clientId())
        .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
            new SystemEnvironmentPropertySource("test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of("CTC_TOKEN_CLIENT_SECRET", server.clientSecret()))))
        .run(context -> {
          assertThat(context.getBean(TokenProvider.class).token().value()).isEqualTo(server.currentToken().orElseThrow());
        });
  }

  @Test
  void environmentVariablesAloneActivateTheStarter() {
    runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
            new SystemEnvironmentPropertySource("test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of("CTC_TOKEN_ENDPOINT", server.endpoint().toString(),
                "CTC_TOKEN_CLIENT_ID", server.clientId(), "CTC_TOKEN_CLIENT_SECRET", server.clientSecret()))))
        .run(context -> assertThat(context).hasSingleBean(TokenManager.class));
  }

  @Test
  void passesTheDurationsAndLeaseToTheManager() {
    configured().withPropertyValues("ctc.token.fetch-timeout=2s", "ctc.token.lease-duration=3s",
        "ctc.token.refresh-ahead=1m").run(context -> {
          assertThat(context).hasNotFailed();
          CtcTokenProperties properties = context.getBean(CtcTokenProperties.class);
          assertThat(properties.getFetchTimeout()).hasSeconds(2);
          assertThat(properties.getLeaseDuration()).hasSeconds(3);
          assertThat(properties.getRefreshAhead()).hasMinutes(1);
          assertThat(properties.toString()).doesNotContain(server.clientSecret()).contains("<redacted>");
        });
  }

  // ---- failures, named

  @Test
  void aMissingEndpointClientIdOrSecretFailsStartupNamingIt() {
    assertFailure(runner.withPropertyValues("ctc.token.client-id=x", "ctc.token.client-secret=s3cr3t-value"),
        "ctc.token.endpoint", "ctc.token.endpoint is missing");
    assertFailure(runner.withPropertyValues("ctc.token.endpoint=" + server.endpoint(), "ctc.token.client-secret=s3cr3t-value"),
        "ctc.token.client-id", "ctc.token.client-id is missing: set it to your CTC clientId");
    assertFailure(runner.withPropertyValues("ctc.token.endpoint=" + server.endpoint(), "ctc.token.client-id=x"),
        "ctc.token.client-secret", "ctc.token.client-secret is missing: set it to your CTC clientSecret");
  }

  @Test
  void malformedValuesFailStartupNamingTheProperty() {
    assertFailure(configured().withPropertyValues("ctc.token.endpoint=http://api.example.com"), "ctc.token.endpoint",
        "plain http to a host that is not loopback");
    assertFailure(configured().withPropertyValues("ctc.token.endpoint=coresite.ctcfile.com"), "ctc.token.endpoint",
        "must be an absolute http(s) URI");
    assertFailure(configured().withPropertyValues("ctc.token.fetch-timeout=0s"), "ctc.token.fetch-timeout",
        "must be a positive duration");
    assertFailure(configured().withPropertyValues("ctc.token.lease-duration=5s"), "ctc.token.lease-duration",
        "must exceed ctc.token.fetch-timeout");
    assertFailure(configured().withPropertyValues("ctc.token.store=redis"), "ctc.token.store",
        "must be memory or jdbc, not 'redis'");
    assertFailure(configured().withPropertyValues("ctc.token.filter.hosts=https://api.ctcfile.com/"),
        "ctc.token.filter.hosts", "not a URL");
    assertFailure(configured().withPropertyValues("ctc.token.filter.patterns=api/**"), "ctc.token.filter.patterns",
        "starting with /");
  }

  @Test
  void aDurationSpringCannotConvertFailsInSpringsBindingNamingTheProperty() {
    configured().withPropertyValues("ctc.token.fetch-timeout=ten seconds").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("ten seconds");
      assertThat(chain(context.getStartupFailure())).contains("ctc.token.fetch-timeout")
          .doesNotContain(server.clientSecret());
    });
  }

  @Test
  void storeJdbcWithoutADataSourceSaysWhatIsMissing() {
    assertFailure(StarterContexts.withoutDataSources().withPropertyValues(credentials())
        .withPropertyValues("ctc.token.store=jdbc"), "ctc.token.store", "ctc.token.store=jdbc needs a javax.sql.DataSource bean");
  }

  @Test
  void storeJdbcWithoutCtcStoreJdbcSaysWhatIsMissing() {
    assertFailure(configured().withPropertyValues("ctc.token.store=jdbc")
            .withClassLoader(new FilteredClassLoader(JdbcTokenStore.class)),
        "ctc.token.store", "ctc.token.store=jdbc needs com.ctcfile.token:ctc-store-jdbc on the class path");
  }

  @Test
  void withoutCtcStoreJdbcTheMemoryStoreStillWorks() {
    configured().withClassLoader(new FilteredClassLoader(JdbcTokenStore.class)).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(TokenProvider.class).token().value()).isEqualTo(server.currentToken().orElseThrow());
    });
  }

  // ---- store: jdbc

  @Test
  void storeJdbcSharesTheTokenThroughTheApplicationsDataSource() {
    configured().withPropertyValues("ctc.token.store=jdbc", "ctc.token.jdbc.create-table=true",
            "ctc.token.jdbc.table-name=ctc_token_autoconfig", "spring.datasource.url=jdbc:h2:mem:autoconfig-store;DB_CLOSE_DELAY=-1")
        .run(context -> {
          AccessToken token = context.getBean(TokenProvider.class).token();
          assertThat(versionsIn(context.getBean(DataSource.class), "ctc_token_autoconfig")).isEqualTo(token.version());
        });
  }

  @Test
  void storeJdbcUsesTheDataSourceNamedByJdbcDataSource() {
    configured().withPropertyValues("ctc.token.store=jdbc", "ctc.token.jdbc.create-table=true",
            "ctc.token.jdbc.data-source=tokensDataSource")
        .withUserConfiguration(TwoDataSources.class)
        .run(context -> {
          context.getBean(TokenProvider.class).token();
          assertThat(versionsIn(context.getBean("tokensDataSource", DataSource.class), "ctc_access_token")).isEqualTo(1);
          assertThat(tableExists(context.getBean("appDataSource", DataSource.class), "CTC_ACCESS_TOKEN")).isFalse();
        });
  }

  @Test
  void storeJdbcNamingAMissingDataSourceFails() {
    assertFailure(configured().withPropertyValues("ctc.token.store=jdbc", "ctc.token.jdbc.data-source=nope")
        .withUserConfiguration(TwoDataSources.class), "ctc.token.jdbc.data-source", "names no DataSource bean: nope");
  }

  @Test
  void storeJdbcWithSeveralDataSourcesAndNonePrimaryAsksToNameOne() {
    assertFailure(configured().withPropertyValues("ctc.token.store=jdbc").withUserConfiguration(TwoDataSources.class),
        "ctc.token.jdbc.data-source", "found several DataSource beans");
  }

  // ---- the application's own beans win

  @Test
  void theApplicationsOwnTokenManagerWins() {
    configured().withUserConfiguration(OwnManager.class).run(context -> {
      assertThat(context).hasSingleBean(TokenProvider.class).doesNotHaveBean(CtcTokenAutoConfiguration.BEAN_NAME);
      assertThat(context.getBean(TokenManager.class)).isSameAs(context.getBean("ownManager"));
      // the integrations use it
      assertThat(context.getBean(CtcTokenHealthIndicator.class).toString()).contains("127.0.0.1");
    });
  }

  @Test
  void theApplicationsOwnTransportSendsTheTokenRequest() {
    configured().withUserConfiguration(OwnTransport.class).run(context -> {
      context.getBean(TokenProvider.class).token();
      assertThat(context.getBean(CountingTransport.class).sends.get()).isEqualTo(1);
    });
  }

  @Test
  void theApplicationsOwnInterceptorWins() {
    configured().withUserConfiguration(OwnInterceptor.class).run(context -> {
      assertThat(context).hasSingleBean(CtcBearerInterceptor.class);
      assertThat(context.getBean(CtcBearerInterceptor.class).toString()).contains("own.example.com");
    });
  }

  // ---- filter

  @Test
  void theRestClientBuilderCarriesTheTokenToTheEndpointsHost() {
    configured().run(context -> {
      RestClient client = context.getBean(RestClient.Builder.class).build();
      assertThat(client.get().uri(server.protectedUri()).retrieve().body(String.class)).isEqualTo("{\"ok\":true}");
      RestTemplateBuilder templates = context.getBean(RestTemplateBuilder.class);
      assertThat(templates.build().getForObject(server.protectedUri(), String.class)).isEqualTo("{\"ok\":true}");
      assertThat(server.accepted()).isEqualTo(2);
      assertThat(context.getBean(WebClient.Builder.class).build().get().uri(server.protectedUri()).retrieve()
          .bodyToMono(String.class).block()).isEqualTo("{\"ok\":true}");
    });
  }

  @Test
  void filterEnabledFalseInstallsNothing() {
    configured().withPropertyValues("ctc.token.filter.enabled=false").run(context -> {
      assertThat(context).hasSingleBean(TokenProvider.class).doesNotHaveBean(CtcBearerInterceptor.class)
          .doesNotHaveBean(CtcBearerExchangeFilter.class).doesNotHaveBean("ctcTokenRestClientCustomizer")
          .doesNotHaveBean("ctcTokenRestTemplateCustomizer").doesNotHaveBean("ctcTokenWebClientCustomizer")
          .doesNotHaveBean("ctcTokenRedirectGuard");
      int status = context.getBean(RestClient.Builder.class).build().get().uri(server.protectedUri())
          .exchange((request, response) -> response.getStatusCode().value());
      assertThat(status).isEqualTo(401);
    });
  }

  @Test
  void filterHostsReplaceTheEndpointsHost() {
    configured().withPropertyValues("ctc.token.filter.hosts=api.example.com").run(context -> {
      int status = context.getBean(RestClient.Builder.class).build().get().uri(server.protectedUri())
          .exchange((request, response) -> response.getStatusCode().value());
      assertThat(status).isEqualTo(401);
      assertThat(server.fetches()).isZero();
    });
  }

  @Test
  void filterPatternsNarrowThePaths() {
    configured().withPropertyValues("ctc.token.filter.patterns=/other/**").run(context -> {
      int status = context.getBean(RestClient.Builder.class).build().get().uri(server.protectedUri())
          .exchange((request, response) -> response.getStatusCode().value());
      assertThat(status).isEqualTo(401);
    });
    configured().withPropertyValues("ctc.token.filter.patterns=/api/**").run(context -> {
      assertThat(context.getBean(RestClient.Builder.class).build().get().uri(server.protectedUri()).retrieve()
          .body(String.class)).isEqualTo("{\"ok\":true}");
    });
  }

  // ---- optional parts

  @Test
  void withoutWebFluxThereIsNoExchangeFilter() {
    configured().withClassLoader(new FilteredClassLoader(WebClient.class)).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(CtcBearerInterceptor.class)
          .doesNotHaveBean(CtcBearerExchangeFilter.class);
    });
  }

  @Test
  void withoutHealthSupportThereIsNoIndicator() {
    configured().withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(TokenProvider.class).doesNotHaveBean(CtcTokenHealthIndicator.class);
    });
  }

  @Test
  void withoutTheActuatorThereIsNoSecretMaskingToInstall() {
    configured().withClassLoader(new FilteredClassLoader(org.springframework.boot.actuate.endpoint.SanitizingFunction.class))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(TokenProvider.class)
            .doesNotHaveBean("ctcTokenClientSecretSanitizer"));
    configured().run(context -> assertThat(context).hasBean("ctcTokenClientSecretSanitizer"));
  }

  @Test
  void withoutMicrometerThereAreNoMeters() {
    configured().withClassLoader(new FilteredClassLoader(CtcTokenMetrics.class)).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(TokenProvider.class).doesNotHaveBean(CtcTokenMetrics.class);
    });
    configured().withClassLoader(new FilteredClassLoader("io.micrometer.core")).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(TokenProvider.class).doesNotHaveBean(CtcTokenMetrics.class);
    });
  }

  // ---- health and metrics

  @Test
  void theHealthIndicatorIsUpWithDetailsAndNoSecretsAndCanBeSwitchedOff() {
    configured().run(context -> {
      CtcTokenHealthIndicator health = context.getBean("ctcTokenHealthIndicator", CtcTokenHealthIndicator.class);
      assertThat(health.health().getStatus()).isEqualTo(Status.UP);
      assertThat(health.health().getDetails()).containsEntry("state", "NO_TOKEN").containsEntry("version", 0L);
      String token = context.getBean(TokenProvider.class).token().value();
      assertThat(health.health().getDetails()).containsEntry("state", "VALID").containsEntry("version", 1L)
          .containsKeys("expiresAt", "timeLeft", "lastRenewal", "storeReachable");
      assertThat(health.health().toString()).doesNotContain(token).doesNotContain(server.clientSecret())
          .doesNotContain(server.clientId());
    });
    configured().withPropertyValues("ctc.token.health.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(CtcTokenHealthIndicator.class));
    configured().withPropertyValues("management.health.ctcToken.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(CtcTokenHealthIndicator.class));
  }

  @Test
  void bindsTheMetersToTheMeterRegistryAndListensToTheManager() {
    configured().run(context -> {
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      context.getBean(TokenProvider.class).token();
      assertThat(registry.get(CtcTokenMetrics.VERSION).tag(CtcTokenMetrics.CLIENT_TAG, server.clientId()).gauge().value())
          .isEqualTo(1.0);
      assertThat(registry.get(CtcTokenMetrics.FETCH).functionTimer().count()).isEqualTo(1.0);
    });
    configured().withPropertyValues("ctc.token.metrics.hash-client-ids=true").run(context -> {
      context.getBean(TokenProvider.class).token();
      assertThat(context.getBean(MeterRegistry.class).find(CtcTokenMetrics.VERSION)
          .tag(CtcTokenMetrics.CLIENT_TAG, server.clientId()).gauge()).isNull();
      assertThat(context.getBean(MeterRegistry.class).get(CtcTokenMetrics.VERSION).gauge().value()).isEqualTo(1.0);
    });
    configured().withPropertyValues("ctc.token.metrics.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(CtcTokenMetrics.class));
  }

  // ---- helpers

  private void assertFailure(ApplicationContextRunner runner, String property, String message) {
    runner.run(context -> {
      assertThat(context).hasFailed();
      Throwable failure = context.getStartupFailure();
      CtcTokenConfigurationException cause = configurationFailure(failure);
      assertThat(cause.property()).isEqualTo(property);
      assertThat(cause.getMessage()).contains(message).doesNotContain("s3cr3t-value")
          .doesNotContain(server.clientSecret());
      FailureAnalysis analysis = new CtcTokenFailureAnalyzer().analyze(failure);
      assertThat(analysis.getDescription()).isEqualTo(cause.getMessage());
      assertThat(analysis.getAction()).contains(property).contains(CtcTokenFailureAnalyzer.environmentName(property));
    });
  }

  private static CtcTokenConfigurationException configurationFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CtcTokenConfigurationException configuration) {
        return configuration;
      }
    }
    throw new AssertionError("no CtcTokenConfigurationException in " + chain(failure), failure);
  }

  private static String chain(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      text.append(t.getMessage()).append('\n');
    }
    return text.toString();
  }

  private static long versionsIn(DataSource dataSource, String table) throws Exception {
    try (Connection connection = dataSource.getConnection();
        ResultSet rows = connection.createStatement().executeQuery("SELECT version FROM " + table)) {
      assertThat(rows.next()).as("a row in " + table).isTrue();
      return rows.getLong(1);
    }
  }

  private static boolean tableExists(DataSource dataSource, String table) throws Exception {
    try (Connection connection = dataSource.getConnection();
        ResultSet tables = connection.getMetaData().getTables(null, null, table, null)) {
      return tables.next();
    }
  }

  private static DataSource h2(String name) {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    return dataSource;
  }

  @Configuration(proxyBeanMethods = false)
  static class TwoDataSources {
    @Bean
    DataSource appDataSource() {
      return h2("autoconfig-app-" + System.nanoTime());
    }

    @Bean
    DataSource tokensDataSource() {
      return h2("autoconfig-tokens-" + System.nanoTime());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnManager {
    @Bean
    @Primary
    TokenManager ownManager(org.springframework.core.env.Environment environment) {
      return TokenManager.builder()
          .endpoint(java.net.URI.create(environment.getProperty("ctc.token.endpoint")))
          .clientId(environment.getProperty("ctc.token.client-id"))
          .clientSecret(environment.getProperty("ctc.token.client-secret"))
          .transport(JdkHttpClientTransport.create())
          .build();
    }
  }

  /** A transport of the application's own: the JDK one, counting the token requests it sends. */
  static final class CountingTransport implements Transport {
    final AtomicInteger sends = new AtomicInteger();
    private final Transport delegate = JdkHttpClientTransport.create();

    @Override
    public CompletionStage<TransportResponse> send(TransportRequest request) {
      sends.incrementAndGet();
      return delegate.send(request);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnTransport {
    @Bean
    CountingTransport countingTransport() {
      return new CountingTransport();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnInterceptor {
    @Bean
    CtcBearerInterceptor ownInterceptor(TokenProvider tokens) {
      return CtcBearerInterceptor.builder(tokens).host("own.example.com").build();
    }
  }
}
