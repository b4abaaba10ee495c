package com.ctcfile.token.transport.micronaut;

import io.micronaut.context.annotation.Requires;
import io.micronaut.management.endpoint.env.EnvironmentEndpointFilter;
import io.micronaut.management.endpoint.env.EnvironmentFilterSpecification;
import jakarta.inject.Singleton;

/** What an application does to see most of its configuration in the env endpoint: mask by key name only. */
@Singleton
@Requires(property = "test.legacy-masking", value = "true")
class LegacyMaskingFilter implements EnvironmentEndpointFilter {

  @Override
  public void specifyFiltering(EnvironmentFilterSpecification specification) {
    specification.legacyMasking();
  }
}
