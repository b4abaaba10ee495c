package com.ctcfile.token.transport.httpclient5;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.testkit.BearerIntegrationContractTest;
import com.ctcfile.token.transport.httpclient5.BearerAuthBehaviour.ClientOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleResponseConsumer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link CtcBearerAuth} on the async client, installed with {@code auth.install(HttpAsyncClients.custom())}:
 * the testkit's bearer contract, whose provider refuses the blocking methods, and what only
 * HttpClient promises ({@link OnlyHttpClient5}).
 */
class AsyncBearerAuthTest extends BearerIntegrationContractTest {

  @Override
  protected Client open(TokenProvider tokens, Setup setup) {
    return async(BearerAuthBehaviour.auth(tokens, setup), ClientOptions.defaults());
  }

  @Override
  protected Transport createTransport() {
    return HttpClient5Transport.create();
  }

  @Nested
  class OnlyHttpClient5 extends BearerAuthBehaviour {
    @Override
    protected TokenProvider provider(TokenProvider tokens) {
      return new NonBlockingOnly(tokens);
    }

    @Override
    protected Client open(CtcBearerAuth auth, ClientOptions options) {
      return async(auth, options);
    }

    @Test
    @DisplayName("the token requests of an HttpClient5Transport on the same client are left alone")
    void leavesTheTransportsOwnRequestsAlone() throws Exception {
      // the client needs the integration, the integration the manager, the manager the client's transport
      AtomicReference<TokenProvider> late = new AtomicReference<>();
      CloseableHttpAsyncClient http = HttpAsyncClients.custom().disableAutomaticRetries()
          .addExecInterceptorBefore(org.apache.hc.client5.http.impl.ChainElement.PROTOCOL.name(), CtcBearerAuth.NAME,
              CtcBearerAuth.builder(new LateBound(late)).host(ctcHostAndPort()).build().async())
          .build();
      try (AsyncClient client = new AsyncClient(http);
          TokenManager shared = TokenManager.builder().endpoint(server.endpoint())
              .clientId(server.clientId()).clientSecret(server.clientSecret())
              .transport(HttpClient5Transport.create(http)).build()) {
        late.set(shared);

        assertThat(get(client, server.protectedUri()).status()).isEqualTo(200);
        assertThat(server.fetches()).isEqualTo(1);
        assertThat(server.lastTokenRequestHeader("Authorization")).isEmpty();
      }
    }
  }

  static Client async(CtcBearerAuth auth, ClientOptions options) {
    return new AsyncClient(auth.install(HttpAsyncClients.custom())
        .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
            .setMaxConnTotal(options.maxConnections())
            .setMaxConnPerRoute(options.maxConnections())
            .setDnsResolver(options.dns())
            .build())
        // a connection that is never given back makes the next lease fail fast instead of hanging
        .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(Timeout.ofSeconds(5)).build())
        .build());
  }

  /** The async client under test, made to look like the classic one. */
  private static final class AsyncClient implements Client {
    private final CloseableHttpAsyncClient http;

    AsyncClient(CloseableHttpAsyncClient http) {
      this.http = http;
      http.start();
    }

    @Override
    public Reply send(String method, URI uri, Map<String, String> headers, Body body, String content) throws Exception {
      BasicHttpRequest request = new BasicHttpRequest(method, uri);
      headers.forEach(request::addHeader);
      try {
        SimpleHttpResponse response = http.execute(new BasicRequestProducer(request, producer(body, content)),
            SimpleResponseConsumer.create(), null).get(30, TimeUnit.SECONDS);
        byte[] bytes = response.getBodyBytes();
        return new Reply(response.getCode(), bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8));
      } catch (ExecutionException e) {
        // the future fails with what the exchange failed with: hand exactly that to the test
        if (e.getCause() instanceof Exception) {
          throw (Exception) e.getCause();
        }
        throw e;
      }
    }

    @Override
    public void close() {
      http.close(CloseMode.IMMEDIATE);
    }

    private static AsyncEntityProducer producer(Body body, String content) {
      switch (body) {
        case REPEATABLE:
          return AsyncEntityProducers.create(content, ContentType.APPLICATION_JSON);
        case ONE_SHOT:
          return new OneShot(AsyncEntityProducers.create(content, ContentType.APPLICATION_JSON));
        default:
          return null;
      }
    }
  }

  /** A body producer that says it cannot be sent twice, like one streaming from a socket. */
  private static final class OneShot implements AsyncEntityProducer {
    private final AsyncEntityProducer bytes;

    OneShot(AsyncEntityProducer bytes) {
      this.bytes = bytes;
    }

    @Override
    public boolean isRepeatable() {
      return false;
    }

    @Override
    public void failed(Exception cause) {
      bytes.failed(cause);
    }

    @Override
    public int available() {
      return bytes.available();
    }

    @Override
    public void produce(DataStreamChannel channel) throws IOException {
      bytes.produce(channel);
    }

    @Override
    public long getContentLength() {
      return bytes.getContentLength();
    }

    @Override
    public String getContentType() {
      return bytes.getContentType();
    }

    @Override
    public String getContentEncoding() {
      return bytes.getContentEncoding();
    }

    @Override
    public boolean isChunked() {
      return bytes.isChunked();
    }

    @Override
    public Set<String> getTrailerNames() {
      return bytes.getTrailerNames();
    }

    @Override
    public void releaseResources() {
      bytes.releaseResources();
    }
  }

  /** Passes on the non-blocking methods; a blocking call from the async integration fails the test. */
  private static final class NonBlockingOnly implements TokenProvider {
    private final TokenProvider tokens;

    NonBlockingOnly(TokenProvider tokens) {
      this.tokens = tokens;
    }

    @Override
    public AccessToken token() {
      throw new AssertionError("the async integration called the blocking token()");
    }

    @Override
    public CompletionStage<AccessToken> tokenAsync() {
      return tokens.tokenAsync();
    }

    @Override
    public AccessToken renewAfterRejection(AccessToken rejected) {
      throw new AssertionError("the async integration called the blocking renewAfterRejection()");
    }

    @Override
    public CompletionStage<AccessToken> renewAfterRejectionAsync(AccessToken rejected) {
      return tokens.renewAfterRejectionAsync(rejected);
    }

    @Override
    public void close() {
      // the test closes the manager itself
    }
  }

  /** A provider whose target is set after the client it serves is built. */
  private static final class LateBound implements TokenProvider {
    private final AtomicReference<TokenProvider> target;

    LateBound(AtomicReference<TokenProvider> target) {
      this.target = target;
    }

    @Override
    public AccessToken token() {
      return target.get().token();
    }

    @Override
    public CompletionStage<AccessToken> tokenAsync() {
      return target.get().tokenAsync();
    }

    @Override
    public AccessToken renewAfterRejection(AccessToken rejected) {
      return target.get().renewAfterRejection(rejected);
    }

    @Override
    public CompletionStage<AccessToken> renewAfterRejectionAsync(AccessToken rejected) {
      return target.get().renewAfterRejectionAsync(rejected);
    }

    @Override
    public void close() {
      // the test closes the manager itself
    }
  }
}
