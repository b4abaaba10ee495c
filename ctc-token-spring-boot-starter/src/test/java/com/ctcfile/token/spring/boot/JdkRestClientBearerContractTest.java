package com.ctcfile.token.spring.boot;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;

/** The bearer contract for a {@code RestClient} on the JDK's HttpClient, Spring Boot's default when no other client library is on the class path. */
class JdkRestClientBearerContractTest extends RestClientBearerContract {

  @Override
  protected ClientHttpRequestFactoryBuilder<?> requestFactories() {
    return ClientHttpRequestFactoryBuilder.jdk();
  }
}
