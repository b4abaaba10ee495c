package com.ctcfile.token.transport.jdk;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.testkit.BearerIntegrationContractTest;
import java.net.http.HttpResponse.BodyHandlers;

/**
 * {@link CtcBearerHttpClient} through the blocking {@code send} passes the testkit's bearer
 * contract. {@code send} blocks its caller anyway, so it may call the provider's blocking methods;
 * the client refuses a wrapped client that follows redirects, so redirects reach the caller.
 */
class CtcBearerHttpClientSendTest extends BearerIntegrationContractTest {

  @Override
  protected Client open(TokenProvider tokens, Setup setup) {
    return BearerContractClient.open(tokens, setup, (http, request) -> http.send(request, BodyHandlers.ofString()));
  }

  @Override
  protected Transport createTransport() {
    return JdkHttpClientTransport.create();
  }

  @Override
  protected boolean mayBlock() {
    return true;
  }

  @Override
  protected boolean followsRedirects() {
    return false;
  }
}
