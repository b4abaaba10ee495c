package com.ctcfile.token.core;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.port.TokenClock;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.core.port.TokenKey;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Fans each event out to the user's listeners, isolating the manager from a listener that throws,
 * and writes the events worth an operator's attention to {@link System.Logger}. Nothing logged
 * carries a secret or a token value: events hold keys, versions and scrubbed exceptions only.
 *
 * <p>One instance per manager, hence per key: the warning about a foreign fetch is logged at most
 * once a minute per key, however often the API rejects the token meanwhile.
 */
final class Listeners implements TokenEventListener {

  static final System.Logger LOG = System.getLogger("com.ctcfile.token");
  static final Duration FOREIGN_FETCH_WARNING_INTERVAL = Duration.ofMinutes(1);

  private final List<TokenEventListener> listeners;
  private final TokenClock clock;
  private final Duration rejectionInterval;
  private final Object warned = new Object();
  private boolean warnedOnce;
  private long lastWarningNanos;

  Listeners(List<TokenEventListener> listeners, TokenClock clock, Duration rejectionInterval) {
    this.listeners = List.copyOf(listeners);
    this.clock = clock;
    this.rejectionInterval = rejectionInterval;
  }

  @Override
  public void fetchStarted(TokenKey key, FetchReason reason) {
    LOG.log(Level.DEBUG, () -> "fetching a new token for " + key + " (" + reason + ")");
    each(l -> l.fetchStarted(key, reason));
  }

  @Override
  public void fetchSucceeded(TokenKey key, long version, Duration took) {
    LOG.log(Level.DEBUG, () -> "published token version " + version + " for " + key + " in " + took.toMillis() + " ms");
    each(l -> l.fetchSucceeded(key, version, took));
  }

  @Override
  public void fetchFailed(TokenKey key, CtcTokenException failure, Duration retryIn) {
    LOG.log(Level.WARNING, () -> "token fetch for " + key + " failed, next attempt in " + retryIn.toMillis()
        + " ms: " + failure);
    each(l -> l.fetchFailed(key, failure, retryIn));
  }

  @Override
  public void fetchCompleted(TokenKey key, FetchReason reason, FetchOutcome outcome, Duration took) {
    each(l -> l.fetchCompleted(key, reason, outcome, took));
  }

  @Override
  public void foreignFetchSuspected(TokenKey key, long version) {
    if (mayWarnNow()) {
      LOG.log(Level.WARNING, () -> "token version " + version + " of clientId " + key.clientId() + " at "
          + key.endpointAuthority() + " was rejected while it should still be valid, and no node sharing its"
          + " store has fetched since it was published: something outside the fleet probably fetched a token"
          + " with the same credentials, which invalidated it (or the API rejects it for another reason, such as"
          + " the clientId's permissions). Check that every instance using this clientId shares the token store,"
          + " that nothing calls the token endpoint directly (no curl of /oauth/accesstoken), and that scripts use"
          + " 'ctc-token token' with --jdbc-url. The fleet renews, at most once per "
          + rejectionInterval.toSeconds() + " s after rejections.");
    }
    each(l -> l.foreignFetchSuspected(key, version));
  }

  private boolean mayWarnNow() {
    synchronized (warned) {
      long now = clock.nanoTime();
      if (warnedOnce && now - lastWarningNanos < FOREIGN_FETCH_WARNING_INTERVAL.toNanos()) {
        return false;
      }
      warnedOnce = true;
      lastWarningNanos = now;
      return true;
    }
  }

  @Override
  public void tokenAdopted(TokenKey key, long version) {
    LOG.log(Level.DEBUG, () -> "adopted token version " + version + " for " + key + " from the store");
    each(l -> l.tokenAdopted(key, version));
  }

  @Override
  public void renewedAfterRejection(TokenKey key, long rejectedVersion, long newVersion, boolean fetched) {
    each(l -> l.renewedAfterRejection(key, rejectedVersion, newVersion, fetched));
  }

  @Override
  public void rejectionRateLimited(TokenKey key, long rejectedVersion, Duration retryAfter) {
    LOG.log(Level.WARNING, () -> "token version " + rejectedVersion + " for " + key
        + " was rejected again; renewal suppressed for " + retryAfter.toMillis() + " ms");
    each(l -> l.rejectionRateLimited(key, rejectedVersion, retryAfter));
  }

  @Override
  public void leaseLost(TokenKey key, long seenVersion) {
    LOG.log(Level.WARNING, () -> "renewal lease for " + key + " ran out before publishing; token discarded");
    each(l -> l.leaseLost(key, seenVersion));
  }

  @Override
  public void storeFailed(TokenKey key, CtcTokenException failure) {
    LOG.log(Level.WARNING, () -> "token store failed for " + key + ": " + failure);
    each(l -> l.storeFailed(key, failure));
  }

  private void each(Consumer<TokenEventListener> event) {
    for (TokenEventListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException ignored) {
        // a broken listener must not break token renewal
      }
    }
  }
}
