package com.ctcfile.token.spring.boot.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenRegistry;
import com.ctcfile.token.spring.boot.CtcBearerInterceptor;
import com.ctcfile.token.spring.boot.CtcTokenProperties;
import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.transport.jdk.JdkHttpClientTransport;
import java.net.URI;
import java.sql.Connection;
import java.time.Duration;
import java.sql.ResultSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The README's Spring Boot quick start, compiled and run: the code between the tags and the
 * configuration in {@code application-readme.yml}, with only the endpoint, the credentials and the
 * database pointed at a {@link FakeCtcServer} and an in-memory H2.
 */
class ReadmeQuickstartTest {

  // tag::spring-restclient[]
  @Service
  static class ReportService {
    private final RestClient ctc;

    ReportService(RestClient.Builder builder) {     // Spring Boot's builder: the starter put the token on it
      this.ctc = builder.build();
    }

    String latest(URI uri) {
      return ctc.get().uri(uri).retrieve().body(String.class);   // a 401 after someone else's fetch is healed once
    }
  }
  // end::spring-restclient[]

  // tag::spring-webclient[]
  @Service
  static class ReactiveReportService {
    private final WebClient ctc;

    ReactiveReportService(WebClient.Builder builder) {   // Boot's builder: the starter added the token filter
      this.ctc = builder.build();
    }

    Mono<String> latest(URI uri) {
      return ctc.get().uri(uri).retrieve().bodyToMono(String.class);   // never blocks, a 401 is healed once
    }
  }
  // end::spring-webclient[]

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import({ReportService.class, ReactiveReportService.class})
  static class ReadmeApplication {}

  @Test
  void theQuickStartWorksAsWritten() throws Exception {
    try (FakeCtcServer server = FakeCtcServer.builder().build().start();
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ReadmeApplication.class)
            .web(WebApplicationType.NONE)
            .profiles("readme")
            // arguments, which outrank application-readme.yml, so that nothing of it leaves this machine
            .run("--ctc.token.endpoint=" + server.endpoint(), "--ctc.token.client-id=" + server.clientId(),
                "--ctc.token.client-secret=" + server.clientSecret(),
                "--spring.datasource.url=jdbc:h2:mem:readme;DB_CLOSE_DELAY=-1", "--spring.datasource.username=sa",
                "--spring.datasource.password=")) {
      assertThat(context.getEnvironment().getProperty("ctc.token.endpoint")).isEqualTo(server.endpoint().toString());
      assertThat(context.getEnvironment().getProperty("spring.datasource.url")).startsWith("jdbc:h2:mem:");
      ReportService reports = context.getBean(ReportService.class);

      assertThat(reports.latest(server.protectedUri())).contains("\"ok\":true");
      server.issueTokenOutOfBand();
      // the fleet renews after one rejection a minute at most, so one rotation, healed by the WebClient
      ReactiveReportService reactive = context.getBean(ReactiveReportService.class);
      assertThat(reactive.latest(server.protectedUri()).block(Duration.ofSeconds(10))).contains("\"ok\":true");
      assertThat(reports.latest(server.protectedUri())).contains("\"ok\":true");

      assertThat(server.fetches()).isEqualTo(2);
      assertThat(server.rejected()).isEqualTo(1);
      CtcTokenProperties properties = context.getBean(CtcTokenProperties.class);
      assertThat(properties.getFilter().getPatterns()).containsExactly("/api/**");
      assertThat(properties.sharedThroughJdbc()).isTrue();
      try (Connection connection = context.getBean(DataSource.class).getConnection();
          ResultSet rows = connection.createStatement().executeQuery("SELECT COUNT(*) FROM ctc_access_token")) {
        rows.next();
        assertThat(rows.getInt(1)).as("the token lives in the table the yml asked for").isEqualTo(1);
      }
      assertThat(context.getBean(TokenProvider.class).token().value()).isEqualTo(server.currentToken().orElseThrow());
    }
  }

  // tag::spring-registry[]
  @SpringBootConfiguration
  @EnableAutoConfiguration                  // no ctc.token.* property: the starter makes no provider of its own
  static class ManyCustomers {

    @Bean(destroyMethod = "close")
    TokenRegistry ctcTokens(DataSource dataSource, @Value("${customers.ctc-endpoint}") URI endpoint) {
      return TokenRegistry.builder()
          .endpoint(endpoint)
          .transport(JdkHttpClientTransport.create())
          .store(JdbcTokenStore.builder(dataSource).createTableIfMissing(true).build())  // one row per clientId
          .build();
    }
  }

  static RestClient clientOf(TokenRegistry tokens, RestClient.Builder builder, String clientId, String secret,
      URI endpoint) {
    TokenManager customer = tokens.provider(clientId, secret);        // one manager per clientId, made once
    return builder.clone()
        .requestInterceptor(CtcBearerInterceptor.builder(customer).host(endpoint.getAuthority()).build())
        .build();
  }
  // end::spring-registry[]

  @Test
  void aRegistryBeanServesOneProviderPerCustomer() {
    try (FakeCtcServer server = FakeCtcServer.builder().build().start();
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ManyCustomers.class)
            .web(WebApplicationType.NONE)
            .properties("customers.ctc-endpoint=" + server.endpoint(),
                "spring.datasource.url=jdbc:h2:mem:readme-registry;DB_CLOSE_DELAY=-1")
            .run()) {
      assertThat(context.getBeansOfType(TokenProvider.class)).isEmpty();
      TokenRegistry tokens = context.getBean(TokenRegistry.class);

      RestClient customer = clientOf(tokens, context.getBean(RestClient.Builder.class), server.clientId(),
          server.clientSecret(), server.endpoint());

      assertThat(customer.get().uri(server.protectedUri()).retrieve().body(String.class)).contains("\"ok\":true");
      assertThat(tokens.find(server.clientId())).isPresent();
      assertThat(tokens.size()).isEqualTo(1);
    }
  }
}
