package com.ctcfile.token.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.BearerFailures;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.testkit.BearerIntegrationContractTest;
import com.ctcfile.token.transport.jdk.JdkHttpClientTransport;
import io.netty.resolver.DefaultAddressResolverGroup;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * {@link CtcBearerExchangeFilter} on a {@code WebClient} passes the testkit's bearer contract, with
 * a provider that refuses the blocking methods, on Reactor Netty as Spring Boot configures it (its
 * default settings follow redirects). Names resolve through the JVM's hosts file, as for
 * {@link RestClientBearerContract}. A one-shot body is a streaming one, written in flushed chunks
 * as Spring writes {@code application/x-ndjson}: the filter does not replay it.
 */
class WebClientBearerContractTest extends BearerIntegrationContractTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @BeforeAll
  static void namesResolveToLoopback() throws Exception {
    for (String name : NAMES_ON_LOOPBACK) {
      assertThat(InetAddress.getByName(name).getHostAddress()).as(name).isEqualTo("127.0.0.1");
    }
  }

  @Override
  protected Transport createTransport() {
    return JdkHttpClientTransport.create();
  }

  @Override
  protected Client open(TokenProvider tokens, Setup setup) {
    CtcBearerExchangeFilter.Builder bearer = CtcBearerExchangeFilter.builder(tokens)
        .allowInsecureHttp(setup.allowInsecureHttp());
    setup.hosts().forEach(bearer::host);
    ClientHttpConnector connector = ClientHttpConnectorBuilder.reactor()
        .withHttpClientCustomizer(client -> client.resolver(DefaultAddressResolverGroup.INSTANCE))
        .build(HttpClientSettings.defaults());
    WebClient client = WebClient.builder().clientConnector(connector).filter(bearer.build()).build();
    return new Client() {
      @Override
      public Reply send(String method, URI uri, Map<String, String> headers, Body body, String content)
          throws Exception {
        WebClient.RequestBodySpec request = client.method(HttpMethod.valueOf(method)).uri(uri)
            .headers(h -> headers.forEach(h::set));
        if (body != Body.NONE) {
          byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
          request.contentType(MediaType.APPLICATION_JSON);
          request.body(body == Body.REPEATABLE ? BodyInserters.fromValue(bytes) : streaming(bytes));
        }
        try {
          return request.exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
              .map(text -> new Reply(response.statusCode().value(), text))).block(WAIT);
        } catch (RuntimeException e) {
          throw BearerFailures.unwrap(reactor.core.Exceptions.unwrap(e));
        }
      }

      @Override
      public void close() {}
    };
  }

  private static BodyInserter<Object, ClientHttpRequest> streaming(byte[] bytes) {
    return (message, context) -> {
      message.getHeaders().setContentLength(bytes.length);
      message.getHeaders().set(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE);
      return message.writeAndFlushWith(Flux.just(Flux.just(message.bufferFactory().wrap(bytes))));
    };
  }
}
