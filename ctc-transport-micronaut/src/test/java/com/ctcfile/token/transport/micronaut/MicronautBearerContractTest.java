package com.ctcfile.token.transport.micronaut;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.BearerFailures;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.testkit.BearerIntegrationContractTest;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpVersion;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.HttpClientRegistry;
import io.micronaut.http.client.HttpVersionSelection;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link CtcBearerFilter} in a real application context passes the testkit's bearer contract, with
 * a provider that refuses the blocking methods, service ids included. Each client gets a context of
 * its own, configured from the contract's setup through {@code ctc.token.*}; the filter takes its
 * tokens from the contract's provider, and the clients resolve the contract's names through a Netty
 * resolver group of the test's ({@link ContractProviderFactory}), which Micronaut takes by name.
 */
class MicronautBearerContractTest extends BearerIntegrationContractTest {

  @Override
  protected Transport createTransport() {
    return MicronautTransport.create();
  }

  @Override
  protected boolean hasServiceIds() {
    return true;
  }

  @Override
  protected Client open(TokenProvider tokens, Setup setup) {
    Map<String, Object> properties = new HashMap<>(Map.of(
        "ctc.token.endpoint", server().endpoint().toString(),
        "ctc.token.client-id", server().clientId(),
        "ctc.token.client-secret", server().clientSecret(),
        "ctc.token.allow-insecure-http", setup.allowInsecureHttp(),
        "ctc.token.filter.hosts", String.join(",", setup.hosts()),
        "test.contract-provider", true,
        "micronaut.http.client.address-resolver-group-name", ContractProviderFactory.RESOLVER));
    if (!setup.serviceIds().isEmpty()) {
      properties.put("ctc.token.filter.service-ids", String.join(",", setup.serviceIds()));
    }
    setup.clientServiceId().ifPresent(id -> {
      properties.put("micronaut.http.services." + id + ".url", setup.clientBaseUrl().toString());
      properties.put("micronaut.http.services." + id + ".address-resolver-group-name", ContractProviderFactory.RESOLVER);
    });
    ContractProviderFactory.NEXT.set(tokens);
    ApplicationContext context = ApplicationContext.run(properties);
    HttpClient http = setup.clientServiceId()
        .map(id -> (HttpClient) context.getBean(HttpClientRegistry.class)
            .getClient(HttpVersionSelection.forLegacyVersion(HttpVersion.HTTP_1_1), id, null))
        .orElseGet(() -> context.createBean(HttpClient.class, server().endpoint()));
    return new Client() {
      @Override
      public Reply send(String method, URI uri, Map<String, String> headers, Body body, String content)
          throws Exception {
        MutableHttpRequest<Object> request = HttpRequest.create(io.micronaut.http.HttpMethod.parse(method), uri.toString());
        headers.forEach(request::header);
        if (body != Body.NONE) {
          request.contentType(MediaType.APPLICATION_JSON_TYPE);
          // a String is encoded afresh for every send; a publisher is read once
          request.body(body == Body.REPEATABLE ? content : Flux.just(content.getBytes(StandardCharsets.UTF_8)));
        }
        try {
          HttpResponse<String> response = Mono.from(http.exchange(request, String.class)).toFuture()
              .get(30, TimeUnit.SECONDS);
          return new Reply(response.code(), response.getBody().orElse(""));
        } catch (ExecutionException e) {
          Exception failure = BearerFailures.unwrap(e);
          if (failure instanceof HttpClientResponseException) {
            HttpClientResponseException status = (HttpClientResponseException) failure;
            return new Reply(status.code(), status.getResponse().getBody(String.class).orElse(""));
          }
          throw failure;
        }
      }

      @Override
      public void close() {
        context.close();
      }
    };
  }
}
