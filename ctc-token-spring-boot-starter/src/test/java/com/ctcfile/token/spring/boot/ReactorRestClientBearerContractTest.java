package com.ctcfile.token.spring.boot;

import io.netty.resolver.DefaultAddressResolverGroup;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;

/** The bearer contract for a {@code RestClient} on Reactor Netty. */
class ReactorRestClientBearerContractTest extends RestClientBearerContract {

  @Override
  protected ClientHttpRequestFactoryBuilder<?> requestFactories() {
    return ClientHttpRequestFactoryBuilder.reactor()
        // resolve through the JVM (and so its hosts file), not Netty's own DNS client
        .withHttpClientCustomizer(client -> client.resolver(DefaultAddressResolverGroup.INSTANCE));
  }
}
