package com.ctcfile.token.core;

import com.ctcfile.token.core.port.TokenStore;
import com.ctcfile.token.core.port.Transport;
import java.net.URI;
import java.time.Duration;

/** Builders for managers under test: a loopback endpoint, a scripted transport, a manual clock. */
final class Fixture {

  static final URI ENDPOINT = URI.create("http://127.0.0.1:9");
  static final String CLIENT_ID = "client-1";
  static final String SECRET = "top&secret=+%/?密钥";

  private Fixture() {}

  static TokenManagerBuilder builder(Transport transport) {
    return TokenManager.builder().endpoint(ENDPOINT).clientId(CLIENT_ID).clientSecret(SECRET).transport(transport);
  }

  /** A manager on {@code clock} and its scheduler, so timers follow the clock. */
  static TokenManagerBuilder builder(ScriptedTransport transport, ManualClock clock) {
    return builder(transport).clock(clock).scheduler(clock.scheduler());
  }

  static TokenManager manager(ScriptedTransport transport, ManualClock clock) {
    return builder(transport, clock).build();
  }

  static TokenManager manager(ScriptedTransport transport, ManualClock clock, TokenStore store) {
    return builder(transport, clock).store(store).build();
  }

  static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }
}
