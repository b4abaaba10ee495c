package com.ctcfile.token.spring.boot;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenStatus;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code ctcToken} health indicator: UP while the token manager holds a valid token or can still
 * get one, DOWN once no valid token is held and the last renewal failed, or when it is closed, by
 * {@link TokenStatus#healthy()}, the rule every ctc-token health check shares.
 *
 * <p>The details are the manager's {@link TokenManager#status() status}: {@code state},
 * {@code version}, {@code expiresAt}, {@code timeLeft} (ISO-8601, negative once expired),
 * {@code lastRenewal}, {@code lastFailureCode}, {@code lastFailureType}, {@code nextAttempt} and
 * {@code storeReachable}, each only when it applies: the same keys as the Micronaut module's
 * indicator. They never carry the token, the secret, the clientId or an exception message. Reading
 * them does no I/O and never waits for a renewal. Thread-safe.
 *
 * <p>{@link CtcTokenHealthAutoConfiguration} puts it in the readiness group and never in liveness: an
 * application without a token should get no traffic, but restarting it would not bring the token back.
 */
public final class CtcTokenHealthIndicator implements HealthIndicator {

  /** The indicator's name in the health endpoint's {@code components}. */
  public static final String NAME = "ctcToken";

  private final TokenManager tokens;

  public CtcTokenHealthIndicator(TokenManager tokens) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  @Override
  public Health health() {
    TokenStatus status = tokens.status();
    return (status.healthy() ? Health.up() : Health.down()).withDetails(status.details()).build();
  }

  @Override
  public String toString() {
    return "CtcTokenHealthIndicator{" + tokens.key().endpointAuthority() + "}";
  }
}
