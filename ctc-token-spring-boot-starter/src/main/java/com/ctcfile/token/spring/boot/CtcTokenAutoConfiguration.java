package com.ctcfile.token.spring.boot;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenManagerBuilder;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.core.port.TokenStore;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.transport.jdk.JdkHttpClientTransport;
import java.util.Locale;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The application's {@link TokenProvider} from the {@code ctc.token.*} properties: a
 * {@link TokenManager} on a {@link JdkHttpClientTransport} of its own (or the application's
 * {@link Transport} bean), sharing its token through a {@code JdbcTokenStore} on the application's
 * {@code DataSource} when {@code ctc.token.store=jdbc}, in this process only otherwise. Active as soon
 * as any {@code ctc.token.*} property is set; every bean backs off when the application declares its
 * own.
 *
 * <p>The manager is a singleton created with the context, so a missing or malformed property fails
 * startup with a message naming it, and it is closed with the context (which closes the transport and
 * store it was given). Every {@link TokenEventListener} bean of the application observes it. The
 * client secret is masked by the actuator's {@code env} and {@code configprops} endpoints even when
 * they are told to show values.
 *
 * <p>{@link CtcTokenRestClientAutoConfiguration}, {@link CtcTokenWebClientAutoConfiguration},
 * {@link CtcTokenHealthAutoConfiguration} and {@link CtcTokenMetricsAutoConfiguration} put the token
 * on the application's HTTP clients and show it in health and metrics.
 */
@AutoConfiguration
@Conditional(CtcTokenPropertiesCondition.class)
@EnableConfigurationProperties(CtcTokenProperties.class)
@Import(CtcTokenJdbcStoreConfiguration.class)
public class CtcTokenAutoConfiguration {

  /** The name of the {@link TokenManager} bean this configuration makes. */
  public static final String BEAN_NAME = "ctcTokenManager";

  /**
   * The token provider of {@code ctc.token.*}; fetches nothing until the first call.
   *
   * @throws CtcTokenConfigurationException if a property is missing or malformed, or
   *     {@code store=jdbc} cannot be honoured
   */
  @Bean(name = BEAN_NAME)
  @ConditionalOnMissingBean(TokenProvider.class)
  public TokenManager ctcTokenManager(CtcTokenProperties properties, ObjectProvider<Transport> transports,
      ObjectProvider<SharedStoreFactory> sharedStores, ObjectProvider<TokenEventListener> listeners) {
    properties.validate();
    TokenManagerBuilder builder = TokenManager.builder()
        .endpoint(properties.endpointUri())
        .clientId(properties.getClientId())
        .clientSecret(properties.getClientSecret())
        .fetchTimeout(properties.getFetchTimeout())
        .leaseDuration(properties.getLeaseDuration())
        .allowInsecureHttp(properties.isAllowInsecureHttp());
    if (properties.getRefreshAhead() != null) {
      builder.refreshAhead(properties.getRefreshAhead());
    }
    listeners.orderedStream().forEach(builder::listener);
    TokenStore store = null;
    if (properties.sharedThroughJdbc()) {
      SharedStoreFactory factory = sharedStores.getIfAvailable();
      if (factory == null) {
        throw new CtcTokenConfigurationException(CtcTokenProperties.PREFIX + ".store", CtcTokenProperties.PREFIX
            + ".store=jdbc needs com.ctcfile.token:ctc-store-jdbc on the class path");
      }
      store = factory.create();
      builder.store(store);
    }
    Transport transport = transports.getIfUnique(JdkHttpClientTransport::create);
    builder.transport(transport);
    try {
      return builder.build();
    } catch (IllegalArgumentException | NullPointerException e) {
      transport.close();
      if (store != null) {
        store.close();
      }
      // the builder's messages name its options, never the secret
      throw new CtcTokenConfigurationException(CtcTokenProperties.PREFIX + ".*",
          CtcTokenProperties.PREFIX + ".* is not usable: " + e.getMessage(), e);
    }
  }

  /**
   * Masks the client secret in the actuator's {@code env} and {@code configprops} endpoints, whatever
   * their {@code show-values} says: Spring Boot masks every value by default but, once told to show
   * values, masks none unless a function like this one says so.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(SanitizingFunction.class)
  static class SecretMasking {

    @Bean
    SanitizingFunction ctcTokenClientSecretSanitizer() {
      return SanitizingFunction.sanitizeValue().ifKeyMatches(SecretMasking::namesTheClientSecret);
    }

    // ctc.token.client-secret, CTC_TOKEN_CLIENT_SECRET, ctc.token.clientSecret, and configprops' clientSecret
    static boolean namesTheClientSecret(String key) {
      String letters = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
      return letters.equals("clientsecret") || letters.equals("ctctokenclientsecret");
    }
  }
}
