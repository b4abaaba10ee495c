package com.ctcfile.token.testkit;

import com.ctcfile.token.core.InMemoryTokenStore;
import com.ctcfile.token.core.port.TokenStore;

/** The reference store passes the contract; every node of a test shares its one instance. */
class InMemoryTokenStoreContractTest extends TokenStoreContractTest {

  private final InMemoryTokenStore shared = new InMemoryTokenStore();

  @Override
  protected TokenStore createStore() {
    return shared;
  }
}
