package com.ctcfile.token.spring.boot;

import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;

/**
 * The bearer contract for a {@code RestClient} on Jetty's HttpClient. Jetty's client fails every 401
 * that comes without a {@code WWW-Authenticate} header, as the CTC API's do, before an interceptor can
 * see it, unless its handler of authentication challenges is removed, as here (Jetty installs its
 * protocol handlers when the client starts, so the client is started first).
 */
class JettyRestClientBearerContractTest extends RestClientBearerContract {

  @Override
  protected ClientHttpRequestFactoryBuilder<?> requestFactories() {
    return ClientHttpRequestFactoryBuilder.jetty()
        .withHttpClientCustomizer(client -> {
          try {
            client.start();
          } catch (Exception e) {
            throw new IllegalStateException("Jetty's HttpClient did not start", e);
          }
          client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        });
  }
}
