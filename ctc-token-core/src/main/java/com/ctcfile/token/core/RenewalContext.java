package com.ctcfile.token.core;

import com.ctcfile.token.core.port.TokenClock;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.core.port.TokenStore;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Everything one key's {@link FleetRenewal} works with, made once by {@link ManagerWiring}.
 *
 * @param storeCaller the thread every store method is called from: the manager's own, never a
 *     caller's event loop or an HTTP client's I/O thread, whatever thread the renewal continues on
 * @param fetchPermits how many fetches may run at once among the managers sharing it (a registry's)
 */
record RenewalContext(TokenKey key, RenewalSettings settings, TokenStore store, TokenFetcher fetcher,
    TokenClock clock, Timeouts timeouts, Listeners listener, Backoff backoff, Executor storeCaller,
    FetchPermits fetchPermits) {

  /** The redactor hiding the client's secrets, current and past. */
  Redactor redactor() {
    return fetcher.redactor();
  }

  String owner() {
    return settings.owner();
  }

  Duration leaseDuration() {
    return settings.leaseDuration();
  }

  Duration pollInterval() {
    return settings.pollInterval();
  }

  Duration storeTimeout() {
    return settings.storeTimeout();
  }

  Duration settlePeriod() {
    return settings.settlePeriod();
  }

  Duration rejectionInterval() {
    return settings.rejectionInterval();
  }
}
