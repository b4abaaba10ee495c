package com.ctcfile.token.testkit;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.port.Transport;
import java.util.EnumSet;

/**
 * Runs the whole {@link BearerIntegrationContractTest} against the reference
 * {@link JdkBearerClient}: proof that the contract can be met, so that an integration failing it has
 * a real fault.
 */
class JdkBearerContractTest extends BearerIntegrationContractTest {

  @Override
  protected Client open(TokenProvider tokens, Setup setup) {
    return new JdkBearerClient(tokens, setup, EnumSet.noneOf(JdkBearerClient.Flaw.class));
  }

  @Override
  protected Transport createTransport() {
    return new JdkHttpClientTransport();
  }
}
