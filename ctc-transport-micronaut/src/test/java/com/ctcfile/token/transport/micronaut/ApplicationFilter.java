package com.ctcfile.token.transport.micronaut;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.ClientFilterChain;
import io.micronaut.http.filter.HttpClientFilter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.reactivestreams.Publisher;

/** An application's own client filter of default order, recording the Authorization header it sees. */
@Filter(Filter.MATCH_ALL_PATTERN)
@Requires(property = "test.application-filter", value = "true")
class ApplicationFilter implements HttpClientFilter {

  final List<Optional<String>> seen = new CopyOnWriteArrayList<>();

  @Override
  public Publisher<? extends HttpResponse<?>> doFilter(MutableHttpRequest<?> request, ClientFilterChain chain) {
    seen.add(request.getHeaders().findFirst(HttpHeaders.AUTHORIZATION));
    return chain.proceed(request);
  }
}
