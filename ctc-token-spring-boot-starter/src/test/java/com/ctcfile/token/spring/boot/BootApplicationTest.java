package com.ctcfile.token.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.spring.boot.app.CtcApplication;
import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import com.ctcfile.token.testkit.Fault;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.transport.jdk.JdkHttpClientTransport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Spring Boot application (servlet web server on a random port, actuator, a pooled
 * {@code DataSource}) with {@code ctc.token.store=jdbc}: its {@code RestClient}, {@code RestTemplate},
 * {@code WebClient} and HTTP interface client call {@link FakeCtcServer}'s protected API; a 401
 * after another node's renewal is healed from the shared table; the health endpoint is read over
 * HTTP. {@link H2BootApplicationTest} and {@link PostgreSqlBootApplicationTest} run it.
 */
abstract class BootApplicationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final String table = "ctc_token_boot_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private FakeCtcServer server;
  private ConfigurableApplicationContext app;

  /** The {@code spring.datasource.*} properties of the database under test. */
  protected abstract String[] dataSource();

  @AfterEach
  void stop() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private void start(FakeCtcServer fake, String... more) {
    server = fake.start();
    closeables.add(server);
    List<String> properties = new ArrayList<>(List.of(dataSource()));
    properties.addAll(List.of(
        "server.port=0",
        "ctc.token.endpoint=" + server.endpoint(),
        "ctc.token.client-id=" + server.clientId(),
        "ctc.token.client-secret=" + server.clientSecret(),
        "ctc.token.store=jdbc",
        "ctc.token.jdbc.create-table=true",
        "ctc.token.jdbc.table-name=" + table,
        "management.endpoints.web.exposure.include=health,env,configprops",
        "management.endpoint.health.show-details=always",
        "management.endpoint.health.probes.enabled=true"));
    properties.addAll(List.of(more));
    app = new SpringApplicationBuilder(CtcApplication.class).web(WebApplicationType.SERVLET)
        .properties(properties.toArray(String[]::new)).run();
    closeables.add(app);
  }

  private void start() {
    start(FakeCtcServer.builder().build());
  }

  @Test
  void restClientRestTemplateWebClientAndHttpInterfaceClientsCarryTheToken() {
    start();

    assertThat(app.getBean(RestClient.Builder.class).build().get().uri(server.protectedUri()).retrieve()
        .body(String.class)).isEqualTo("{\"ok\":true}");
    assertThat(app.getBean(RestTemplateBuilder.class).build().getForObject(server.protectedUri(), String.class))
        .isEqualTo("{\"ok\":true}");
    assertThat(app.getBean(WebClient.Builder.class).build().get().uri(server.protectedUri()).retrieve()
        .bodyToMono(String.class).block(Duration.ofSeconds(30))).isEqualTo("{\"ok\":true}");
    assertThat(app.getBean(CtcApplication.CtcApi.class).protectedResource()).isEqualTo("{\"ok\":true}");

    assertThat(server.accepted()).isEqualTo(4);
    assertThat(server.fetches()).isEqualTo(1);
  }

  @Test
  void a401AfterAnotherNodesRenewalIsHealedFromTheSharedTableWithoutAFetch() {
    start();
    RestClient restClient = app.getBean(RestClient.Builder.class).build();
    WebClient webClient = app.getBean(WebClient.Builder.class).build();
    assertThat(restClient.get().uri(server.protectedUri()).retrieve().body(String.class)).isEqualTo("{\"ok\":true}");
    TokenManager otherNode = otherNode();

    renewElsewhere(otherNode);
    assertThat(restClient.get().uri(server.protectedUri()).retrieve().body(String.class)).isEqualTo("{\"ok\":true}");
    renewElsewhere(otherNode);
    assertThat(webClient.get().uri(server.protectedUri()).retrieve().bodyToMono(String.class)
        .block(Duration.ofSeconds(30))).isEqualTo("{\"ok\":true}");

    assertThat(server.fetches()).as("the application's first fetch and the other node's two").isEqualTo(3);
    assertThat(server.rejected()).as("one 401 per renewal elsewhere, each healed").isEqualTo(2);
    assertThat(app.getBean(TokenManager.class).status().version()).isEqualTo(3);
  }

  @Test
  void theHealthEndpointShowsCtcTokenWithDetailsWithoutSecrets() throws Exception {
    start();
    String token = app.getBean(TokenProvider.class).token().value();

    HttpResponse<String> health = get("/actuator/health/ctcToken");
    JsonNode ctcToken = JSON.readTree(health.body());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(ctcToken.path("status").asString()).isEqualTo("UP");
    assertThat(ctcToken.path("details").path("state").asString()).isEqualTo("VALID");
    assertThat(ctcToken.path("details").path("version").asLong()).isEqualTo(1);
    assertThat(ctcToken.path("details").path("storeReachable").asBoolean()).isTrue();
    assertThat(ctcToken.path("details").path("timeLeft").asString()).startsWith("PT");
    assertThat(health.body()).doesNotContain(token).doesNotContain(server.clientSecret())
        .doesNotContain(server.clientId());
    System.out.println("GET /actuator/health/ctcToken: " + health.body());
    assertThat(JSON.readTree(get("/actuator/health").body()).path("components").has("ctcToken")).isTrue();
    assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
  }

  @Test
  void readinessGoesDownOnceTheTokenExpiredAndRenewalsFailWhileLivenessStaysUp() throws Exception {
    start(FakeCtcServer.builder().tokenLifetime(Duration.ofSeconds(2)).gracePeriod(Duration.ZERO).build());
    app.getBean(TokenProvider.class).token();
    for (int i = 0; i < 200; i++) {
      server.enqueue(Fault.reply(503, "{\"errcode\":\"50300\",\"errmsg\":\"down for maintenance\"}"));
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> get("/actuator/health/readiness").statusCode() == 503);

    assertThat(JSON.readTree(get("/actuator/health/readiness").body()).path("status").asString()).isEqualTo("DOWN");
    assertThat(get("/actuator/health/liveness").statusCode()).as("liveness stays up: a restart brings no token")
        .isEqualTo(200);
    HttpResponse<String> health = get("/actuator/health/ctcToken");
    JsonNode ctcToken = JSON.readTree(health.body());
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(ctcToken.path("status").asString()).isEqualTo("DOWN");
    assertThat(ctcToken.path("details").path("lastFailureCode").asString()).isNotBlank();
    assertThat(ctcToken.path("details").path("timeLeft").asString()).startsWith("PT-");
    assertThat(health.body()).doesNotContain(server.clientSecret()).doesNotContain("maintenance");
    System.out.println("GET /actuator/health/ctcToken when down: " + health.body());
  }

  @Test
  void withoutProbesThereIsNoReadinessGroupToJoin() throws Exception {
    start(FakeCtcServer.builder().build(), "management.endpoint.health.probes.enabled=false");

    assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(404);
    assertThat(get("/actuator/health/ctcToken").statusCode()).isEqualTo(200);
  }

  @Test
  void theEnvAndConfigpropsEndpointsMaskTheSecretEvenWhenShowingValues() throws Exception {
    start(FakeCtcServer.builder().build(), "management.endpoint.env.show-values=always",
        "management.endpoint.configprops.show-values=always");

    String secret = get("/actuator/env/ctc.token.client-secret").body();
    String clientId = get("/actuator/env/ctc.token.client-id").body();
    String all = get("/actuator/env").body();
    String configprops = get("/actuator/configprops/ctc.token").body();

    assertThat(JSON.readTree(secret).path("property").path("value").asString()).isEqualTo("******");
    assertThat(JSON.readTree(clientId).path("property").path("value").asString()).as("values are shown")
        .isEqualTo(server.clientId());
    assertThat(all).contains(server.clientId()).doesNotContain(server.clientSecret());
    assertThat(configprops).contains(server.clientId()).contains("\"clientSecret\":\"******\"")
        .doesNotContain(server.clientSecret());
  }

  @Test
  void byDefaultTheEnvEndpointShowsNoValueAtAll() throws Exception {
    start();

    String all = get("/actuator/env").body();

    assertThat(all).doesNotContain(server.clientSecret()).doesNotContain(server.clientId());
    assertThat(JSON.readTree(get("/actuator/env/ctc.token.client-secret").body()).path("property").path("value")
        .asString()).isEqualTo("******");
  }

  private TokenManager otherNode() {
    TokenManager other = TokenManager.builder()
        .endpoint(server.endpoint())
        .clientId(server.clientId())
        .clientSecret(server.clientSecret())
        .transport(JdkHttpClientTransport.create())
        .store(JdbcTokenStore.builder(app.getBean(DataSource.class)).tableName(table).build())
        .rejectionRenewalInterval(Duration.ZERO) // it stands in for two renewals far apart in time
        .build();
    closeables.add(0, other);
    return other;
  }

  // another node renews because its token was rejected: it fetches, which invalidates the application's
  private void renewElsewhere(TokenManager otherNode) {
    int fetches = server.fetches();
    AccessToken held = otherNode.token();
    otherNode.renewAfterRejection(held);
    assertThat(server.fetches()).isEqualTo(fetches + 1);
  }

  private HttpResponse<String> get(String path) throws Exception {
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
