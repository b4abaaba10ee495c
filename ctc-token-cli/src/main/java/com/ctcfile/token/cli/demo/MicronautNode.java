package com.ctcfile.token.cli.demo;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenStatus;
import com.ctcfile.token.transport.micronaut.CtcTokenFactory;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.util.HashMap;
import java.util.Map;

/**
 * The Micronaut service, configured as an application would be: an {@link ApplicationContext} with
 * {@code ctc.token.*} properties ({@code store=jdbc} on the context's {@code DataSource} bean), in
 * which ctc-transport-micronaut makes the token manager and its {@code CtcBearerFilter} puts the
 * token on a declarative {@link DemoApi} client. Callers are threads of its own, calling blocking.
 */
final class MicronautNode implements DemoNode {

  /** Set only in this node's context: switches on the demo's counting beans. */
  static final String NODE_PROPERTY = "ctc-token-cli.demo.node";

  private final NodeStats stats = new NodeStats("micronaut", "Micronaut @Client + CtcBearerFilter");
  private final ApplicationContext context;
  private final DemoApi api;
  private final TokenManager tokens;
  private final CallerThreads callers = new CallerThreads("micronaut", this::call);

  MicronautNode(NodeSetup setup) {
    Map<String, Object> properties = new HashMap<>();
    properties.put("ctc.token.endpoint", setup.endpoint().toString());
    properties.put("ctc.token.client-id", setup.clientId());
    properties.put("ctc.token.client-secret", setup.clientSecret());
    properties.put("ctc.token.refresh-ahead", setup.refreshAhead().toMillis() + "ms");
    properties.put("ctc.token.store", "jdbc");
    properties.put("ctc.token.jdbc.table-name", setup.table());
    properties.put("ctc.token.jdbc.create-table", true);
    properties.put("micronaut.http.client.pool.max-connections", setup.callers());
    properties.put(NODE_PROPERTY, stats.name());
    this.context = ApplicationContext.builder()
        .deduceEnvironment(false)
        .properties(properties)
        .singletons(new BorrowedDataSource(setup.dataSource()), stats)
        .start();
    this.api = context.getBean(DemoApi.class);
    this.tokens = context.getBean(TokenManager.class, Qualifiers.byName(CtcTokenFactory.BEAN_NAME));
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
      api.protectedResource();
      stats.callSucceeded();
    } catch (HttpClientResponseException e) {
      stats.callFailed(e.code(), "HTTP " + e.code());
    } catch (RuntimeException e) {
      // a CtcTokenException when no token could be had, an HttpClientException when the call broke
      stats.callFailed(0, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    tokens.tokenAsync().thenAccept(token -> stats.saw(token.version()));
  }

  @Override
  public void close() {
    callers.interrupt();
    // closes the module's token manager, and with it the node's store; the DataSource is borrowed
    context.close();
  }
}
