package com.ctcfile.token.transport.micronaut;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.micrometer.CtcTokenMetrics;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.net.URI;

/**
 * A second token manager an application builds itself, for another clientId, with the
 * {@link CtcTokenMetrics} bean as its listener; active only in the test that sets {@value #ENDPOINT}.
 */
@Factory
@Requires(property = OwnTokenManagerFactory.ENDPOINT)
class OwnTokenManagerFactory {

  static final String ENDPOINT = "test.own-manager.endpoint";
  static final String NAME = "own";

  @Singleton
  @Named(NAME)
  @Bean(preDestroy = "close")
  TokenManager ownTokenManager(@Property(name = ENDPOINT) String endpoint, CtcTokenMetrics metrics) {
    return TokenManager.builder()
        .endpoint(URI.create(endpoint))
        .clientId("own-client")
        .clientSecret("fake-client-secret")
        .transport(MicronautTransport.create())
        .listener(metrics)
        .build();
  }
}
