package com.ctcfile.token.transport.micronaut;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenManagerBuilder;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.core.port.TokenStore;
import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClientConfiguration;
import io.micronaut.inject.qualifiers.Qualifiers;
import jakarta.inject.Named;

/**
 * Makes the application's {@link com.ctcfile.token.TokenProvider} from the {@code ctc.token.*}
 * properties: a {@link TokenManager} on a {@link MicronautTransport} of its own, sharing its token
 * through a {@code JdbcTokenStore} when {@code ctc.token.store=jdbc}, in this process only otherwise.
 *
 * <p>The bean is created with the context, so a missing or malformed property fails startup with a
 * message naming it, and closed with the context. Active as soon as any {@code ctc.token.*} property
 * is set.
 *
 * <p>The token request goes through a client that this factory makes from the client configuration
 * named {@code ctc-token} ({@code micronaut.http.services.ctc-token.*}) if there is one, else from
 * the default one ({@code micronaut.http.client.*}), so proxy and SSL settings apply; that client
 * follows no redirect, runs none of the application's client filters (they could log the URI, and
 * with it the secret) and logs under {@link MicronautTransport#WIRE_LOGGER}. The manager closes it.
 */
@Factory
@Requires(property = CtcTokenProperties.PREFIX)
public class CtcTokenFactory {

  /** The name of the {@link com.ctcfile.token.TokenProvider} bean, for {@code @Named} injection. */
  public static final String BEAN_NAME = "ctc-token";

  // the name of the store bean JdbcTokenStoreFactory makes; kept here so this class never names that one
  static final String JDBC_STORE_NAME = "ctc-token-jdbc";

  /** The name of the client configuration the token request uses if it exists. */
  public static final String CLIENT_CONFIGURATION_NAME = "ctc-token";

  /**
   * The token provider of {@code ctc.token.*}; fetches nothing until the first call.
   *
   * @throws ConfigurationException if a property is missing or malformed, or {@code store=jdbc}
   *     cannot be honoured
   */
  @Context
  @Named(BEAN_NAME)
  @Bean(preDestroy = "close")
  public TokenManager ctcTokenProvider(CtcTokenProperties properties, BeanContext beanContext) {
    properties.validate();
    TokenManagerBuilder builder = TokenManager.builder()
        .endpoint(properties.endpointUri())
        .clientId(properties.getClientId())
        .clientSecret(properties.getClientSecret())
        .fetchTimeout(properties.getFetchTimeout())
        .leaseDuration(properties.getLeaseDuration())
        .allowInsecureHttp(properties.isAllowInsecureHttp());
    properties.getRefreshAhead().ifPresent(builder::refreshAhead);
    // the application's listener beans observe this manager too (metrics, logs), no subclassing needed
    beanContext.getBeansOfType(TokenEventListener.class).forEach(builder::listener);
    TokenStore store = CtcTokenProperties.STORE_JDBC.equals(properties.storeKind()) ? jdbcStore(beanContext) : null;
    if (store != null) {
      builder.store(store);
    }
    MicronautTransport transport = MicronautTransport.create(clientConfiguration(beanContext));
    builder.transport(transport);
    try {
      return builder.build();
    } catch (IllegalArgumentException | NullPointerException e) {
      transport.close();
      if (store != null) {
        store.close();
      }
      // the builder's messages name its options, never the secret
      throw new ConfigurationException(CtcTokenProperties.PREFIX + ".* is not usable: " + e.getMessage(), e);
    }
  }

  private static TokenStore jdbcStore(BeanContext beanContext) {
    return beanContext.findBean(TokenStore.class, Qualifiers.byName(JDBC_STORE_NAME))
        .orElseThrow(() -> new ConfigurationException(CtcTokenProperties.PREFIX + ".store=jdbc needs"
            + " com.ctcfile.token:ctc-store-jdbc on the class path"));
  }

  private static HttpClientConfiguration clientConfiguration(BeanContext beanContext) {
    return beanContext.findBean(HttpClientConfiguration.class, Qualifiers.byName(CLIENT_CONFIGURATION_NAME))
        .or(() -> beanContext.findBean(HttpClientConfiguration.class))
        .orElseGet(DefaultHttpClientConfiguration::new);
  }
}
