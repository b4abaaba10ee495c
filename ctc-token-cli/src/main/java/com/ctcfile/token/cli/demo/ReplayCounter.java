package com.ctcfile.token.cli.demo;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.ClientFilterChain;
import io.micronaut.http.filter.HttpClientFilter;
import org.reactivestreams.Publisher;

/**
 * Counts the 401s the Micronaut node's {@code CtcBearerFilter} heals. That filter runs next to the
 * wire, after this one; after a 401 Micronaut sends its replay through the whole chain again, so
 * this filter sees every call once without a token and every replay once more, carrying the renewed
 * one. Active only in the demo's Micronaut node.
 */
@Filter("/api/**")
@Requires(property = MicronautNode.NODE_PROPERTY)
final class ReplayCounter implements HttpClientFilter {

  private final NodeStats stats;

  ReplayCounter(NodeStats stats) {
    this.stats = stats;
  }

  @Override
  public Publisher<? extends HttpResponse<?>> doFilter(MutableHttpRequest<?> request, ClientFilterChain chain) {
    if (request.getHeaders().contains(HttpHeaders.AUTHORIZATION)) {
      stats.rejectionSeen();
    }
    return chain.proceed(request);
  }
}
