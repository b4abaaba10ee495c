package com.ctcfile.token.cli.demo;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenStatus;
import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import com.ctcfile.token.transport.httpclient5.CtcBearerAuth;
import com.ctcfile.token.transport.httpclient5.HttpClient5Transport;
import java.io.IOException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * The Apache HttpClient 5 service: a classic client with {@link CtcBearerAuth} installed, called
 * from threads of its own, as a servlet application would.
 */
final class HttpClient5Node implements DemoNode {

  private final NodeSetup setup;
  private final NodeStats stats = new NodeStats("httpclient5", "Apache HttpClient 5 + CtcBearerAuth");
  private final TokenManager tokens;
  private final CloseableHttpClient http;
  private final CallerThreads callers = new CallerThreads("httpclient5", this::call);

  HttpClient5Node(NodeSetup setup) {
    this.setup = setup;
    this.tokens = TokenManager.builder()
        .endpoint(setup.endpoint())
        .clientId(setup.clientId())
        .clientSecret(setup.clientSecret())
        .refreshAhead(setup.refreshAhead())
        .transport(HttpClient5Transport.create())
        .store(JdbcTokenStore.builder(setup.dataSource()).tableName(setup.table()).createTableIfMissing(true).build())
        .listener(stats.listener())
        .nodeId("demo-httpclient5")
        .build();
    CtcBearerAuth bearer = CtcBearerAuth.builder(new CountingTokenProvider(tokens, stats))
        .host(setup.apiHost())
        .build();
    this.http = bearer.install(HttpClients.custom())
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnPerRoute(setup.callers())
            .setMaxConnTotal(setup.callers())
            .build())
        .build();
  }

  @Override
  public NodeStats stats() {
    return stats;
  }

  @Override
  public TokenStatus status() {
    return tokens.status();
  }

  @Override
  public void start(Callers demo, int count) {
    callers.start(demo, count);
  }

  private void call() {
    try {
      int status = http.execute(new HttpGet(setup.protectedUri()), response -> {
        EntityUtils.consume(response.getEntity());
        return response.getCode();
      });
      if (status == 200) {
        stats.callSucceeded();
      } else {
        stats.callFailed(status, "HTTP " + status);
      }
    } catch (IOException | RuntimeException e) {
      // a CtcTokenException when no token could be had, anything else a failed call all the same
      stats.callFailed(0, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    tokens.tokenAsync().thenAccept(token -> stats.saw(token.version()));
  }

  @Override
  public void close() {
    callers.interrupt();
    try {
      http.close();
    } catch (IOException e) {
      // nothing left to do with a client that fails to close at the end of the demo
    }
    tokens.close();
  }
}
