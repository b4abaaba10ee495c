package com.ctcfile.token.spring.boot.app;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/**
 * A Spring Boot application as a CTC client writes one: the starter on the class path, its
 * {@code ctc.token.*} properties, and clients built from Spring Boot's builders. No component scan,
 * so that the other tests' configurations stay out.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class CtcApplication {

  // tag::spring-http-interface[]
  @HttpExchange("/api")
  public interface CtcApi {
    @GetExchange("/protected")
    String protectedResource();                 // sent with Authorization: Bearer <token>
  }

  @Bean
  CtcApi ctcApi(RestClient.Builder builder, @Value("${ctc.token.endpoint}") String endpoint) {
    RestClient ctc = builder.baseUrl(endpoint).build();   // Boot's builder: the starter added the token
    return HttpServiceProxyFactory.builderFor(RestClientAdapter.create(ctc)).build().createClient(CtcApi.class);
  }
  // end::spring-http-interface[]
}
