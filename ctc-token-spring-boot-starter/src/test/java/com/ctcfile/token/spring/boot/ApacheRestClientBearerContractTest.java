package com.ctcfile.token.spring.boot;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;

/** The bearer contract for a {@code RestClient} on Apache HttpClient 5. */
class ApacheRestClientBearerContractTest extends RestClientBearerContract {

  @Override
  protected ClientHttpRequestFactoryBuilder<?> requestFactories() {
    return ClientHttpRequestFactoryBuilder.httpComponents();
  }
}
