package com.ctcfile.token.spring.boot;

import com.ctcfile.token.TokenProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The token on the application's {@code RestClient}s and {@code RestTemplate}s: a
 * {@link CtcBearerInterceptor} on the {@code ctc.token.filter.*} hosts and patterns, added to every
 * {@code RestClient.Builder} and {@code RestTemplateBuilder} that Spring Boot configures (and with
 * them to the HTTP interface clients of {@code @ImportHttpServices} groups, which Boot builds from
 * its customizers). Boot's request factory builder is wrapped so that a redirect never carries the
 * token to another host. Builders the application makes with {@code RestClient.builder()} are its
 * own business: add the interceptor bean to them by hand, with {@link CtcBearerInterceptor#guardRedirects}.
 *
 * <p>Active with a single {@link TokenProvider} (this starter's or the application's own) unless
 * {@code ctc.token.filter.enabled=false}; the application's own {@link CtcBearerInterceptor} bean
 * replaces this one.
 */
@AutoConfiguration(after = CtcTokenAutoConfiguration.class)
@Conditional(CtcTokenPropertiesCondition.class)
@ConditionalOnClass({RestClient.class, RestClientCustomizer.class})
@ConditionalOnSingleCandidate(TokenProvider.class)
@ConditionalOnProperty(prefix = CtcTokenProperties.PREFIX + ".filter", name = "enabled", matchIfMissing = true)
public class CtcTokenRestClientAutoConfiguration {

  /** The interceptor of {@code ctc.token.filter.*}. */
  @Bean
  @ConditionalOnMissingBean
  public CtcBearerInterceptor ctcBearerInterceptor(TokenProvider tokens, CtcTokenProperties properties) {
    properties.validateTargets();
    return CtcBearerInterceptor.of(tokens, BearerTargets.from(properties));
  }

  /** Adds the interceptor to every {@code RestClient.Builder} Boot configures. */
  @Bean
  public RestClientCustomizer ctcTokenRestClientCustomizer(CtcBearerInterceptor interceptor) {
    return builder -> builder.requestInterceptor(interceptor);
  }

  /**
   * Wraps Spring Boot's request factory builder so that the factories of its {@code RestClient} and
   * {@code RestTemplate} builders never carry the token on a redirect to another host (see
   * {@link CtcBearerInterceptor#guardRedirects}).
   */
  @Bean
  static BeanPostProcessor ctcTokenRedirectGuard(ObjectProvider<CtcBearerInterceptor> interceptor) {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof ClientHttpRequestFactoryBuilder<?> factories && !(bean instanceof TokenRedirectGuard)) {
          // resolved per build, so that an interceptor bean of the application's own decides the hosts
          return (ClientHttpRequestFactoryBuilder<ClientHttpRequestFactory>) settings ->
              interceptor.getObject().guardRedirects(factories).build(settings);
        }
        return bean;
      }
    };
  }

  /** Adds the interceptor to every {@code RestTemplate} built by Boot's {@code RestTemplateBuilder}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.web.client.RestTemplate")
  static class RestTemplateIntegration {

    @Bean
    RestTemplateCustomizer ctcTokenRestTemplateCustomizer(CtcBearerInterceptor interceptor) {
      return restTemplate -> restTemplate.getInterceptors().add(interceptor);
    }
  }
}
