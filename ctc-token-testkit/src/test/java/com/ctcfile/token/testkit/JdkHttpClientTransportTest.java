package com.ctcfile.token.testkit;

import com.ctcfile.token.core.port.Transport;

/**
 * Runs the whole {@link TransportContractTest} against the reference {@link JdkHttpClientTransport}:
 * proof that the contract can be met, and so that a transport failing it has a real fault.
 */
class JdkHttpClientTransportTest extends TransportContractTest {

  @Override
  protected Transport createTransport() {
    return new JdkHttpClientTransport();
  }
}
