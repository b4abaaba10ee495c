package com.ctcfile.token.fleet;

import com.ctcfile.token.core.port.TokenStore;
import java.time.Duration;
import java.util.List;

/**
 * A registry of 2,000 clients on its default in-memory store. Its tokens live 15 s, renewed 6 s ahead:
 * a renewal every 9 s, about 220 fetches a second for the whole registry, within what one transport
 * and the server manage on two cores shared with other builds.
 */
class InMemoryRegistryScaleTest extends AbstractRegistryScaleTest {

  @Override
  Duration lifetime() {
    return Duration.ofSeconds(15);
  }

  @Override
  Duration refreshAhead() {
    return Duration.ofSeconds(6);
  }

  @Override
  int clients() {
    return 2_000;
  }

  @Override
  String storeName() {
    return "in-memory";
  }

  @Override
  TokenStore newStore(List<AutoCloseable> afterRegistry) {
    return null;
  }

  @Override
  int storeThreads() {
    return 0;
  }
}
