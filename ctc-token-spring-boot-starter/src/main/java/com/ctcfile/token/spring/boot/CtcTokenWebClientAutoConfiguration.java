package com.ctcfile.token.spring.boot;

import com.ctcfile.token.TokenProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The token on the application's {@code WebClient}s, when WebFlux and Spring Boot's WebClient support
 * are on the class path: a {@link CtcBearerExchangeFilter} on the {@code ctc.token.filter.*} hosts and
 * patterns, added to every {@code WebClient.Builder} that Spring Boot configures (and with them to
 * the HTTP interface clients Boot builds on WebClient). The filter never blocks.
 *
 * <p>Active with a single {@link TokenProvider} unless {@code ctc.token.filter.enabled=false}; the
 * application's own {@link CtcBearerExchangeFilter} bean replaces this one.
 */
@AutoConfiguration(after = CtcTokenAutoConfiguration.class)
@Conditional(CtcTokenPropertiesCondition.class)
@ConditionalOnClass({WebClient.class, WebClientCustomizer.class})
@ConditionalOnSingleCandidate(TokenProvider.class)
@ConditionalOnProperty(prefix = CtcTokenProperties.PREFIX + ".filter", name = "enabled", matchIfMissing = true)
public class CtcTokenWebClientAutoConfiguration {

  /** The filter of {@code ctc.token.filter.*}. */
  @Bean
  @ConditionalOnMissingBean
  public CtcBearerExchangeFilter ctcBearerExchangeFilter(TokenProvider tokens, CtcTokenProperties properties) {
    properties.validateTargets();
    return CtcBearerExchangeFilter.of(tokens, BearerTargets.from(properties));
  }

  /** Adds the filter to every {@code WebClient.Builder} Boot configures. */
  @Bean
  public WebClientCustomizer ctcTokenWebClientCustomizer(CtcBearerExchangeFilter filter) {
    return builder -> builder.filter(filter);
  }
}
