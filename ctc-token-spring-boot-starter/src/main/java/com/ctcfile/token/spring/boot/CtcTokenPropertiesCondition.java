package com.ctcfile.token.spring.boot;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches as soon as any {@code ctc.token.*} property is set, in any form Spring's relaxed binding
 * reads ({@code ctc.token.client-id}, {@code CTC_TOKEN_CLIENT_ID}, ...), as the Micronaut module's
 * beans require the prefix: an application that names none of them gets no ctc-token bean, and one
 * that names some but not all gets a startup failure naming what is missing.
 */
final class CtcTokenPropertiesCondition extends SpringBootCondition {

  private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of(CtcTokenProperties.PREFIX);

  @Override
  public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(context.getEnvironment())) {
      if (source.containsDescendantOf(PREFIX) == ConfigurationPropertyState.PRESENT) {
        return ConditionOutcome.match("a " + CtcTokenProperties.PREFIX + ".* property is set");
      }
    }
    return ConditionOutcome.noMatch("no " + CtcTokenProperties.PREFIX + ".* property is set");
  }
}
