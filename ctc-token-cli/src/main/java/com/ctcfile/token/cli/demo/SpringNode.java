package com.ctcfile.token.cli.demo;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenStatus;
import java.net.URI;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * The Spring Boot service, configured as an application would be: a non-web Spring Boot context
 * with {@code ctc.token.*} properties ({@code store=jdbc} on the context's {@code DataSource} bean),
 * in which ctc-token-spring-boot-starter makes the token manager and puts its
 * {@code CtcBearerInterceptor} on Spring Boot's {@code RestClient.Builder}. Callers are threads of
 * its own, calling blocking.
 */
final class SpringNode implements DemoNode {

  private final NodeStats stats = new NodeStats("spring", "RestClient + CtcBearerInterceptor");
  private final ConfigurableApplicationContext context;
  private final RestClient api;
  private final URI protectedUri;
  private final TokenManager tokens;
  private final CallerThreads callers = new CallerThreads("spring", this::call);

  /** The node's application: Spring Boot's auto-configuration, the starter's among it, and nothing scanned. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Application {}

  SpringNode(NodeSetup setup) {
    // Spring Boot would otherwise configure java.util.logging for the whole CLI process
    if (System.getProperty(LoggingSystem.SYSTEM_PROPERTY) == null) {
      System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
    }
    this.context = new SpringApplicationBuilder(Application.class)
        .web(WebApplicationType.NONE)
        .bannerMode(org.springframework.boot.Banner.Mode.OFF)
        .logStartupInfo(false)
        .initializers(application -> {
          application.getBeanFactory().registerSingleton("demoDataSource", new BorrowedDataSource(setup.dataSource()));
          // a TokenEventListener bean: the starter hands it to the manager it builds, so fetches are counted
          application.getBeanFactory().registerSingleton("demoNodeEvents", stats.listener());
          // the secret in a property source of its own, never among the arguments Spring keeps and may print
          application.getEnvironment().getPropertySources().addFirst(new MapPropertySource("ctc-demo-secret",
              Map.of("ctc.token.client-secret", setup.clientSecret())));
        })
        // arguments rather than default properties, so that nothing on the class path can outrank them
        .run("--ctc.token.endpoint=" + setup.endpoint(),
            "--ctc.token.client-id=" + setup.clientId(),
            "--ctc.token.refresh-ahead=" + setup.refreshAhead().toMillis() + "ms",
            "--ctc.token.store=jdbc",
            "--ctc.token.jdbc.table-name=" + setup.table(),
            "--ctc.token.jdbc.create-table=true",
            "--ctc.token.metrics.enabled=false",
            "--spring.main.register-shutdown-hook=false");
    this.tokens = context.getBean(TokenManager.class);
    this.protectedUri = setup.protectedUri();
    // added after the starter's interceptor, so it runs nearer the wire and sees each 401 it heals
    ClientHttpRequestInterceptor rejections = (request, body, execution) -> {
      ClientHttpResponse response = execution.execute(request, body);
      if (response.getStatusCode().value() == 401) {
        stats.rejectionSeen();
      }
      return response;
    };
    this.api = context.getBean(RestClient.Builder.class).requestInterceptor(rejections).build();
  }

  @Override
  public NodeStats stats() {
    return stats;
  }

  @Override
  public TokenStatus status() {
    return tokens.status();
  }

  @Override
  public void start(Callers demo, int count) {
    callers.start(demo, count);
  }

  private void call() {
    try {
      api.get().uri(protectedUri).retrieve().toBodilessEntity();
      stats.callSucceeded();
    } catch (RestClientResponseException e) {
      stats.callFailed(e.getStatusCode().value(), "HTTP " + e.getStatusCode().value());
    } catch (RuntimeException e) {
      // a CtcTokenException when no token could be had, a ResourceAccessException when the call broke
      stats.callFailed(0, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    tokens.tokenAsync().thenAccept(token -> stats.saw(token.version()));
  }

  @Override
  public void close() {
    callers.interrupt();
    // closes the starter's token manager, and with it the node's store; the DataSource is borrowed
    context.close();
  }
}
