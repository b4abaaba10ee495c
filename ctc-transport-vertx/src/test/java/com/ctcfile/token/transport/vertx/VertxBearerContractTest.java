package com.ctcfile.token.transport.vertx;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.BearerFailures;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.testkit.BearerIntegrationContractTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.dns.AddressResolverOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link CtcBearerAuth} on a Vert.x {@code WebClient} passes the testkit's bearer contract, with a
 * provider that refuses the blocking methods. The contract's names resolve to 127.0.0.1 through
 * Vert.x's own resolver (a hosts value), so plain http is shown refused without depending on this
 * machine's network interfaces.
 */
class VertxBearerContractTest extends BearerIntegrationContractTest {

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    StringBuilder hosts = new StringBuilder();
    NAMES_ON_LOOPBACK.forEach(name -> hosts.append("127.0.0.1 ").append(name).append('\n'));
    vertx = Vertx.vertx(new VertxOptions().setAddressResolverOptions(
        new AddressResolverOptions().setHostsValue(Buffer.buffer(hosts.toString()))));
  }

  @AfterAll
  static void closeVertx() {
    vertx.close().await();
  }

  @Override
  protected Transport createTransport() {
    return VertxTransport.create(vertx);
  }

  @Override
  protected Client open(TokenProvider tokens, Setup setup) {
    CtcBearerAuth.Builder auth = CtcBearerAuth.builder(tokens).allowInsecureHttp(setup.allowInsecureHttp());
    setup.hosts().forEach(auth::host);
    WebClient client = auth.build().install(WebClient.create(vertx));
    return new Client() {
      @Override
      public Reply send(String method, URI uri, Map<String, String> headers, Body body, String content)
          throws Exception {
        HttpRequest<Buffer> request = client.requestAbs(HttpMethod.valueOf(method), uri.toString());
        headers.forEach(request::putHeader);
        Future<HttpResponse<Buffer>> sent;
        if (body == Body.NONE) {
          sent = request.send();
        } else {
          byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
          request.putHeader("Content-Type", "application/json");
          sent = body == Body.REPEATABLE ? request.sendBuffer(Buffer.buffer(bytes))
              : request.putHeader("Content-Length", Integer.toString(bytes.length))
                  .sendStream(CtcBearerAuthTest.streamOf(content));
        }
        try {
          HttpResponse<Buffer> response = sent.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
          return new Reply(response.statusCode(), response.body() == null ? "" : response.bodyAsString());
        } catch (ExecutionException e) {
          throw BearerFailures.unwrap(e);
        }
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }
}
