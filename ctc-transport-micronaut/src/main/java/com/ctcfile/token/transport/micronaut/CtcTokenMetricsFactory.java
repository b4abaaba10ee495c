package com.ctcfile.token.transport.micronaut;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.micrometer.CtcTokenMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the {@code ctc.token.*} meters of {@code ctc-token-micrometer}, an optional dependency, when
 * the application has a {@link MeterRegistry} bean: the one class of this module that knows that
 * module. It is skipped entirely, before its class is even loaded, when {@code CtcTokenMetrics} is
 * not on the class path, and switched off by {@code ctc.token.metrics.enabled=false}.
 *
 * <p>The {@link CtcTokenMetrics} bean is a {@code TokenEventListener}, so {@link CtcTokenFactory}
 * hands it to the manager it builds like any listener bean; and every {@link TokenManager} bean of the
 * context, that one and the application's own, gets its gauges when it is created. An application
 * that builds its own managers adds the bean as their listener for the counters and the timer.
 */
@Factory
@Requires(classes = CtcTokenMetrics.class)
@Requires(beans = MeterRegistry.class)
@Requires(property = CtcTokenProperties.PREFIX)
@Requires(property = CtcTokenProperties.MetricsProperties.ENABLED, notEquals = "false")
public class CtcTokenMetricsFactory {

  private static final Logger LOG = LoggerFactory.getLogger(CtcTokenMetricsFactory.class);

  /** The meters of every token manager of the context, bound to the application's registry and closed with the context. */
  @Singleton
  @Bean(preDestroy = "close")
  public CtcTokenMetrics ctcTokenMetrics(CtcTokenProperties properties, MeterRegistry registry) {
    CtcTokenMetrics metrics = CtcTokenMetrics.builder()
        .hashClientIds(properties.getMetrics().isHashClientIds())
        .build();
    metrics.bindTo(registry);
    return metrics;
  }

  /** Registers the gauges of each token manager bean as it is created. */
  @Singleton
  public BeanCreatedEventListener<TokenManager> ctcTokenGauges(BeanProvider<CtcTokenMetrics> metrics) {
    return event -> {
      TokenManager manager = event.getBean();
      try {
        metrics.get().monitor(manager);
      } catch (IllegalArgumentException sameClientTwice) {
        // metrics must never keep the application from starting
        LOG.warn("no ctc.token gauges for {}: {}", manager.key().endpointAuthority(), sameClientTwice.getMessage());
      }
      return manager;
    };
  }
}
