package com.ctcfile.token.spring.boot;

import com.ctcfile.token.core.TokenManager;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The {@code ctcToken} health indicator of the application's single {@link TokenManager}, with
 * Spring Boot's health support on the class path (spring-boot-health, which the actuator brings),
 * unless {@code ctc.token.health.enabled=false} or {@code management.health.ctcToken.enabled=false}.
 * With the actuator's health endpoint it is also made a member of the {@code readiness} group,
 * whenever that group exists (Kubernetes, or {@code management.endpoint.health.probes.enabled=true}),
 * unless that group's {@code exclude} names it; it is never added to {@code liveness}.
 */
@AutoConfiguration(after = CtcTokenAutoConfiguration.class, afterName = {
    "org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration",
    "org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration"})
@Conditional(CtcTokenPropertiesCondition.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnSingleCandidate(TokenManager.class)
@ConditionalOnProperty(prefix = CtcTokenProperties.PREFIX + ".health", name = "enabled", matchIfMissing = true)
@ConditionalOnEnabledHealthIndicator(CtcTokenHealthIndicator.NAME)
public class CtcTokenHealthAutoConfiguration {

  /** The indicator; the bean's name makes {@value CtcTokenHealthIndicator#NAME} its name in the health endpoint. */
  @Bean(name = CtcTokenHealthIndicator.NAME + "HealthIndicator")
  @ConditionalOnMissingBean(name = CtcTokenHealthIndicator.NAME + "HealthIndicator")
  public CtcTokenHealthIndicator ctcTokenHealthIndicator(TokenManager tokens) {
    return new CtcTokenHealthIndicator(tokens);
  }

  /** Adds the indicator to the readiness group of the actuator's health endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthEndpointGroupsPostProcessor.class)
  static class ReadinessGroup {

    @Bean
    static HealthEndpointGroupsPostProcessor ctcTokenReadinessGroup(Environment environment) {
      return new ReadinessMembership(environment);
    }
  }
}
