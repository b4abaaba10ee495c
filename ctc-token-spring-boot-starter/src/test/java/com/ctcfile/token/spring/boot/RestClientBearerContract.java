package com.ctcfile.token.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.testkit.BearerIntegrationContractTest;
import com.ctcfile.token.transport.jdk.JdkHttpClientTransport;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * {@link CtcBearerInterceptor} on a {@code RestClient} passes the testkit's bearer contract, once per
 * request factory Spring Boot can pick ({@link #requestFactories()} as Boot builds it, with Boot's
 * default settings, so redirects are followed as in an application). The contract's names resolve to
 * 127.0.0.1 through the JVM's hosts file ({@code jdk.net.hosts.file}, set by this module's pom for the
 * contract tests). Spring hands the interceptor every body as a byte array, so even a body the caller
 * streams is replayed after a 401.
 */
abstract class RestClientBearerContract extends BearerIntegrationContractTest {

  /** The factory builder under test, e.g. {@code ClientHttpRequestFactoryBuilder.jdk()}. */
  protected abstract ClientHttpRequestFactoryBuilder<?> requestFactories();

  @BeforeAll
  static void namesResolveToLoopback() throws Exception {
    for (String name : NAMES_ON_LOOPBACK) {
      assertThat(InetAddress.getByName(name).getHostAddress()).as(name + " in the contract's hosts file")
          .isEqualTo("127.0.0.1");
    }
  }

  @Override
  protected Transport createTransport() {
    return JdkHttpClientTransport.create();
  }

  @Override
  protected boolean mayBlock() {
    return true; // a RestClient call blocks its caller anyway
  }

  @Override
  protected boolean buffersEveryBody() {
    return true;
  }

  @Override
  protected Client open(TokenProvider tokens, Setup setup) {
    CtcBearerInterceptor.Builder bearer = CtcBearerInterceptor.builder(tokens).allowInsecureHttp(setup.allowInsecureHttp());
    setup.hosts().forEach(bearer::host);
    CtcBearerInterceptor interceptor = bearer.build();
    // as the starter wraps Spring Boot's factory builder
    ClientHttpRequestFactory factory = interceptor.guardRedirects(requestFactories()).build(HttpClientSettings.defaults());
    RestClient client = RestClient.builder().requestFactory(factory).requestInterceptor(interceptor).build();
    return new Client() {
      @Override
      public Reply send(String method, URI uri, Map<String, String> headers, Body body, String content) {
        RestClient.RequestBodySpec request = client.method(HttpMethod.valueOf(method)).uri(uri)
            .headers(h -> headers.forEach(h::set));
        if (body != Body.NONE) {
          byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
          request.contentType(MediaType.APPLICATION_JSON);
          if (body == Body.REPEATABLE) {
            request.body(bytes);
          } else {
            request.body(out -> out.write(bytes)); // written once, as a caller's stream would be
          }
        }
        return request.exchange((req, response) -> new Reply(response.getStatusCode().value(),
            new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8)));
      }

      @Override
      public void close() throws Exception {
        if (factory instanceof AutoCloseable closeable) {
          closeable.close();
        }
      }
    };
  }
}
