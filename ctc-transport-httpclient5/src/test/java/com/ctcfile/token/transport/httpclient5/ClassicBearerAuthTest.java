package com.ctcfile.token.transport.httpclient5;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.testkit.BearerIntegrationContractTest;
import com.ctcfile.token.transport.httpclient5.BearerAuthBehaviour.ClientOptions;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.Nested;

/**
 * {@link CtcBearerAuth} on the classic client, installed with {@code auth.install(HttpClients.custom())}:
 * the testkit's bearer contract, and what only HttpClient promises ({@link OnlyHttpClient5}). The
 * classic client blocks its caller, so it may call the provider's blocking methods.
 */
class ClassicBearerAuthTest extends BearerIntegrationContractTest {

  @Override
  protected Client open(TokenProvider tokens, Setup setup) {
    return classic(BearerAuthBehaviour.auth(tokens, setup), ClientOptions.defaults());
  }

  @Override
  protected Transport createTransport() {
    return HttpClient5Transport.create();
  }

  @Override
  protected boolean mayBlock() {
    return true;
  }

  @Nested
  class OnlyHttpClient5 extends BearerAuthBehaviour {
    @Override
    protected Client open(CtcBearerAuth auth, ClientOptions options) {
      return classic(auth, options);
    }
  }

  static Client classic(CtcBearerAuth auth, ClientOptions options) {
    CloseableHttpClient http = auth.install(HttpClients.custom())
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(options.maxConnections())
            .setMaxConnPerRoute(options.maxConnections())
            .setDnsResolver(options.dns())
            .build())
        // a connection that is never given back makes the next lease fail fast instead of hanging
        .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(Timeout.ofSeconds(5)).build())
        .build();
    return new Client() {
      @Override
      public Reply send(String method, URI uri, Map<String, String> headers, Body body, String content) throws Exception {
        ClassicRequestBuilder request = ClassicRequestBuilder.create(method).setUri(uri);
        headers.forEach(request::addHeader);
        request.setEntity(entity(body, content));
        return http.execute(request.build(), response -> new Reply(response.getCode(),
            response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8)));
      }

      @Override
      public void close() {
        http.close(CloseMode.IMMEDIATE);
      }
    };
  }

  private static HttpEntity entity(Body body, String content) {
    switch (body) {
      case REPEATABLE:
        return new StringEntity(content, ContentType.APPLICATION_JSON);
      case ONE_SHOT:
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return new InputStreamEntity(new ByteArrayInputStream(bytes), bytes.length, ContentType.APPLICATION_JSON);
      default:
        return null;
    }
  }
}
