package com.ctcfile.token.transport.vertx;

import com.ctcfile.token.core.TokenManager;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.net.URI;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The README's Quarkus example, compiled against the CDI and MicroProfile Config APIs so it cannot rot.
 * No CDI container or Quarkus runs in this build: {@link QuarkusExampleTest} calls the producers by hand.
 */
// tag::quarkus-example[]
@ApplicationScoped
public class QuarkusExample {

  @Produces
  @ApplicationScoped
  TokenManager ctcTokens(Vertx vertx,                          // Quarkus's managed io.vertx.core.Vertx
      @ConfigProperty(name = "ctc.endpoint") URI endpoint,     // https://coresite.ctcfile.com
      @ConfigProperty(name = "ctc.client-id") String clientId,
      @ConfigProperty(name = "ctc.client-secret") String clientSecret) {
    return TokenManager.builder()
        .endpoint(endpoint)
        .clientId(clientId)
        .clientSecret(clientSecret)
        .transport(VertxTransport.create(vertx))             // never closes Quarkus's Vertx
        .build();
  }

  void closeTokens(@Disposes TokenManager tokens) {
    tokens.close();
  }

  @Produces
  @ApplicationScoped
  WebClient ctcApi(Vertx vertx, TokenManager tokens,
      @ConfigProperty(name = "ctc.endpoint") URI endpoint) {
    return CtcBearerAuth.builder(tokens).host(endpoint.getAuthority()).build().install(WebClient.create(vertx));
  }

  void closeApi(@Disposes WebClient api) {
    api.close();
  }
}
// end::quarkus-example[]
