package com.ctcfile.token.transport.micronaut;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenStatus;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/**
 * The {@code ctc-token} health indicator: UP while the {@link CtcTokenFactory#BEAN_NAME ctc-token}
 * provider holds a valid token or can still get one, DOWN once no valid token is held and the last
 * renewal failed, or when it is closed, by {@link TokenStatus#healthy()}, the rule every ctc-token
 * health check shares.
 *
 * <p>The details are the provider's {@link TokenManager#status() status}: {@code state},
 * {@code version}, {@code expiresAt}, {@code timeLeft} (ISO-8601, negative once expired),
 * {@code lastRenewal}, {@code lastFailureCode}, {@code lastFailureType}, {@code nextAttempt} and
 * {@code storeReachable}, each only when it applies. They never carry the token, the secret, the
 * clientId or an exception message. Reading them does no I/O and never waits for a renewal.
 *
 * <p>Installed when micronaut-management is on the class path, unless
 * {@code ctc.token.health.enabled=false}. It is a plain indicator, so it counts for the readiness
 * endpoint and not for liveness: an application without a token should get no traffic, but
 * restarting it would not bring the token back.
 */
@Singleton
@Requires(classes = HealthIndicator.class)
@Requires(property = CtcTokenProperties.PREFIX)
@Requires(property = CtcTokenProperties.HealthProperties.ENABLED, notEquals = "false")
public class CtcTokenHealthIndicator implements HealthIndicator {

  /** The indicator's name in the health endpoint's {@code details}. */
  public static final String NAME = "ctc-token";

  private final TokenManager tokens;

  public CtcTokenHealthIndicator(@Named(CtcTokenFactory.BEAN_NAME) TokenManager tokens) {
    this.tokens = tokens;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    TokenStatus status = tokens.status();
    return Publishers.just(HealthResult.builder(NAME, status.healthy() ? HealthStatus.UP : HealthStatus.DOWN)
        .details(status.details())
        .build());
  }

  @Override
  public String toString() {
    return "CtcTokenHealthIndicator{" + tokens.key().endpointAuthority() + "}";
  }
}
