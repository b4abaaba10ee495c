package com.ctcfile.token.spring.boot;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.micrometer.CtcTokenMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * The {@code ctc.token.*} meters of {@code ctc-token-micrometer}, an optional dependency, when the
 * application has a {@link MeterRegistry} bean: the one class of the starter that knows that module.
 * Skipped, before its class is even loaded, when {@code CtcTokenMetrics} is not on the class path, and
 * switched off by {@code ctc.token.metrics.enabled=false}.
 *
 * <p>The {@link CtcTokenMetrics} bean is a {@code TokenEventListener}, so
 * {@link CtcTokenAutoConfiguration} hands it to the manager it builds like any listener bean, and a
 * {@code MeterBinder}, which Spring Boot binds to every registry; every {@link TokenManager} bean of
 * the context, the starter's and the application's own, gets its gauges as it is created. An
 * application that builds managers of its own adds the bean as their listener for the counters and
 * the timer.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@Conditional(CtcTokenPropertiesCondition.class)
@ConditionalOnClass({CtcTokenMetrics.class, MeterRegistry.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = CtcTokenProperties.PREFIX + ".metrics", name = "enabled", matchIfMissing = true)
public class CtcTokenMetricsAutoConfiguration {

  private static final Log LOG = LogFactory.getLog(CtcTokenMetricsAutoConfiguration.class);

  /** The meters of every token manager of the context; Spring Boot binds them to its registries. */
  @Bean
  @ConditionalOnMissingBean
  public CtcTokenMetrics ctcTokenMetrics(CtcTokenProperties properties) {
    return CtcTokenMetrics.builder()
        .hashClientIds(properties.getMetrics().isHashClientIds())
        .build();
  }

  /** Registers the gauges of each token manager bean as it is created. */
  @Bean
  static BeanPostProcessor ctcTokenGauges(ObjectProvider<CtcTokenMetrics> metrics) {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof TokenManager manager) {
          try {
            metrics.getObject().monitor(manager);
          } catch (IllegalArgumentException sameClientTwice) {
            // metrics must never keep the application from starting
            LOG.warn("no ctc.token gauges for " + manager.key().endpointAuthority() + ": "
                + sameClientTwice.getMessage());
          }
        }
        return bean;
      }
    };
  }
}
