package com.ctcfile.token.benchmarks;

import com.google.auth.oauth2.OAuth2Credentials;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import me.chanjar.weixin.mp.api.WxMpService;
import me.chanjar.weixin.mp.api.impl.WxMpServiceImpl;
import me.chanjar.weixin.mp.config.impl.WxMpDefaultConfigImpl;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import software.amazon.awssdk.utils.cache.CachedSupplier;
import software.amazon.awssdk.utils.cache.RefreshResult;

/**
 * The token caches of peer libraries, each set up the way its documentation tells users to, holding
 * a token that stays valid for a week so no benchmark ever triggers a fetch. None of them is given a
 * working token endpoint: a fetch would fail, which the smoke test would notice.
 */
final class Peers {

  /** The Spring client registration and the principal its authorized client is saved under. */
  static final String SPRING_REGISTRATION_ID = "ctc";
  static final String SPRING_PRINCIPAL = "ctc-benchmark";

  private static final Duration LIFETIME = Duration.ofDays(7);

  private Peers() {}

  /** Google auth library: credentials around a known access token; callers ask {@code getRequestMetadata(URI)}. */
  static OAuth2Credentials google(String tokenValue) {
    Instant expiry = Instant.now().plus(LIFETIME);
    return OAuth2Credentials.create(new com.google.auth.oauth2.AccessToken(tokenValue, Date.from(expiry)));
  }

  /** AWS SDK v2: the cache its credential providers are built on, default prefetch strategy. */
  static CachedSupplier<String> aws(String tokenValue) {
    Instant expiry = Instant.now().plus(LIFETIME);
    return CachedSupplier.builder(() -> RefreshResult.builder(tokenValue)
            .staleTime(expiry)
            .prefetchTime(expiry.minus(Duration.ofMinutes(5)))
            .build())
        .cachedValueName("ctc-benchmark")
        .build();
  }

  /**
   * Spring Security: the manager for service-to-service calls (no servlet request), a client
   * credentials registration, and the in-memory authorized client service holding the token.
   */
  static AuthorizedClientServiceOAuth2AuthorizedClientManager spring(String tokenValue) {
    ClientRegistration registration = ClientRegistration.withRegistrationId(SPRING_REGISTRATION_ID)
        .clientId("ctc-client")
        .clientSecret("ctc-secret")
        .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
        // never reached: the saved token is valid for the whole run
        .tokenUri("https://127.0.0.1:1/oauth/accesstoken")
        .build();
    InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(registration);
    InMemoryOAuth2AuthorizedClientService clients = new InMemoryOAuth2AuthorizedClientService(registrations);
    Instant now = Instant.now();
    OAuth2AccessToken token = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, tokenValue, now, now.plus(LIFETIME));
    clients.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, SPRING_PRINCIPAL, token),
        UsernamePasswordAuthenticationToken.authenticated(SPRING_PRINCIPAL, null, java.util.List.of()));
    return new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, clients);
  }

  /** WxJava: the official-account service with its default (in-memory) configuration storage. */
  static WxMpService wxJava(String tokenValue) {
    WxMpDefaultConfigImpl config = new WxMpDefaultConfigImpl();
    config.setAppId("ctc-app");
    config.setSecret("ctc-secret");
    config.updateAccessToken(tokenValue, (int) LIFETIME.getSeconds());
    WxMpServiceImpl service = new WxMpServiceImpl();
    service.setWxMpConfigStorage(config);
    return service;
  }
}
