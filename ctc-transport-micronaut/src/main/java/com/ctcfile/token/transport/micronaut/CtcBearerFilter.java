package com.ctcfile.token.transport.micronaut;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.BearerFailures;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.ByteBodyHttpResponse;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.body.ByteBody;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.filter.ClientFilterChain;
import io.micronaut.http.filter.ConditionalFilter;
import io.micronaut.http.filter.HttpClientFilter;
import jakarta.inject.Named;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Puts {@code Authorization: Bearer <token>} on the requests of the application's Micronaut HTTP
 * clients (declarative {@code @Client} interfaces and injected {@code HttpClient}s) that go to CTC,
 * and heals a 401 once. Installed when {@code ctc.token.*} is configured, unless
 * {@code ctc.token.filter.enabled=false}.
 *
 * <p><b>Which requests.</b> Those {@link BearerTargets} selects from {@code ctc.token.filter.*}: by
 * default every request to the endpoint's host and port; service ids narrow that to their clients'
 * requests, never to another host. A request that already carries an
 * {@code Authorization} header keeps it and is left alone, as are the token requests of a
 * {@link MicronautTransport}. Micronaut copies a request's headers onto the request that follows a
 * redirect; so a header this filter set, arriving on a request to a host that is not selected, is
 * removed: the token never follows a redirect away from CTC. The token goes over https only, or
 * to loopback, unless {@code ctc.token.allow-insecure-http=true}; otherwise the request fails with
 * {@link CtcTokenException}.
 *
 * <p><b>401.</b> When CTC rejects the token (HTTP 401, whether the client reports it as a response
 * or as an {@link HttpClientResponseException}), the filter calls
 * {@link TokenProvider#renewAfterRejectionAsync} with that token, which returns a newer one and
 * fetches only if nobody has yet, and sends the request once more with it. What the replay gets, a
 * second 401 included, is what the caller gets. A request whose body is a stream cannot be sent
 * twice: it gets its 401 as is, and the renewal happens in the background for the next call.
 *
 * <p><b>Threads.</b> The filter calls only {@code tokenAsync()} and {@code renewAfterRejectionAsync()}
 * and continues on whichever thread completes them; it never blocks, so it is safe on a Netty event
 * loop. Thread-safe; one instance serves every client.
 *
 * <p><b>Order.</b> It runs closest to the wire ({@link #ORDER}), after the application's own
 * filters, so they never see the first attempt's token. Micronaut sends a replay through the filter
 * chain again: the application's filters see the replayed request, with the renewed token on it,
 * and this filter lets it pass.
 *
 * <p><b>Failures.</b> If the provider cannot give a token, the request fails with the provider's
 * {@link CtcTokenException} (a {@code CtcApiException}, {@code TokenTransportException},
 * {@code RenewalRateLimitedException}...), which a declarative client throws to its caller.
 */
@Filter(Filter.MATCH_ALL_PATTERN)
@Requires(property = CtcTokenProperties.PREFIX)
@Requires(property = CtcTokenProperties.PREFIX + ".filter.enabled", notEquals = StringUtils.FALSE)
public final class CtcBearerFilter implements HttpClientFilter, ConditionalFilter {

  /**
   * This filter's order. Micronaut runs client filters in descending order, so the lowest value
   * runs last, next to the wire.
   */
  public static final int ORDER = HIGHEST_PRECEDENCE;

  /*
   * Marks a replay. Micronaut's filter chain keeps one cursor per request, which a 401 reported as an
   * exception winds back, so a second proceed() enters the whole chain, this filter included, again;
   * the mark makes this filter pass the replay on instead of treating it as a new call.
   */
  private static final String REPLAY_ATTRIBUTE = "com.ctcfile.token.transport.micronaut.replay";
  // header values this filter set lately: enough to recognise one that a redirect carried along
  private static final int REMEMBERED = 4;

  private final TokenProvider provider;
  private final BearerTargets targets;
  private final AtomicReferenceArray<String> recent = new AtomicReferenceArray<>(REMEMBERED);
  private final AtomicInteger next = new AtomicInteger();

  /**
   * @param provider the token provider the factory made from {@code ctc.token.*}
   * @param properties the validated {@code ctc.token.*} properties
   */
  public CtcBearerFilter(@Named(CtcTokenFactory.BEAN_NAME) TokenProvider provider, CtcTokenProperties properties) {
    this.provider = provider;
    properties.validate();
    this.targets = BearerTargets.from(properties);
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  @Override
  public boolean isEnabled(HttpRequest<?> request) {
    if (isTokenRequest(request) || isReplay(request)) {
      return false;
    }
    Optional<String> authorization = request.getHeaders().findFirst(HttpHeaders.AUTHORIZATION);
    return authorization.isPresent() ? isOurs(authorization.get()) : targets.selects(request);
  }

  @Override
  public Publisher<? extends HttpResponse<?>> doFilter(MutableHttpRequest<?> request, ClientFilterChain chain) {
    if (isTokenRequest(request) || isReplay(request)) {
      return chain.proceed(request);
    }
    Optional<String> authorization = request.getHeaders().findFirst(HttpHeaders.AUTHORIZATION);
    if (authorization.isPresent()) {
      if (!isOurs(authorization.get())) {
        return chain.proceed(request);
      }
      // carried over from the request before a redirect: judge this hop on its own
      request.getHeaders().remove(HttpHeaders.AUTHORIZATION);
    }
    if (!targets.selects(request)) {
      return chain.proceed(request);
    }
    try {
      targets.checkScheme(request.getUri());
    } catch (CtcTokenException refused) {
      return Mono.error(refused);
    }
    return stage(provider::tokenAsync).flatMap(token -> send(request, chain, token, true));
  }

  @Override
  public String toString() {
    return "CtcBearerFilter{" + targets + "}";
  }

  private Mono<HttpResponse<?>> send(MutableHttpRequest<?> request, ClientFilterChain chain, AccessToken token,
      boolean firstAttempt) {
    String header = token.authorizationHeaderValue();
    remember(header);
    request.getHeaders().set(HttpHeaders.AUTHORIZATION, header);
    if (!firstAttempt) {
      request.setAttribute(REPLAY_ATTRIBUTE, Boolean.TRUE);
    }
    Mono<HttpResponse<?>> response = Mono.from(chain.proceed(request));
    if (!firstAttempt) {
      return response;
    }
    // a 401 may arrive as a response or as an exception; either way only the first one is handled,
    // so the replay's outcome, whatever it is, goes to the caller untouched
    return response
        .map(reply -> reply.code() == HttpStatus.UNAUTHORIZED.getCode()
            ? afterRejection(request, chain, token, Mono.just(reply), reply)
            : Mono.<HttpResponse<?>>just(reply))
        .onErrorResume(HttpClientResponseException.class,
            e -> Mono.just(e.code() == HttpStatus.UNAUTHORIZED.getCode()
                ? afterRejection(request, chain, token, Mono.error(e), null)
                : Mono.error(e)))
        .flatMap(outcome -> outcome);
  }

  private Mono<HttpResponse<?>> afterRejection(MutableHttpRequest<?> request, ClientFilterChain chain,
      AccessToken rejected, Mono<HttpResponse<?>> asIs, HttpResponse<?> reply) {
    if (!isReplayable(request)) {
      BearerFailures.renewForNextCall(provider, rejected);
      return asIs;
    }
    if (reply instanceof ByteBodyHttpResponse) {
      // a raw exchange's 401 holds its connection until its body is let go
      ((ByteBodyHttpResponse<?>) reply).close();
    }
    return stage(() -> provider.renewAfterRejectionAsync(rejected))
        .flatMap(renewed -> send(request, chain, renewed, false));
  }

  /** A provider stage as a Mono, started on subscription, failing with the provider's own exception. */
  private static Mono<AccessToken> stage(Supplier<CompletionStage<AccessToken>> call) {
    return Mono.defer(() -> Mono.fromCompletionStage(call.get())).onErrorMap(BearerFailures::unwrap);
  }

  private static boolean isReplay(HttpRequest<?> request) {
    return request.getAttribute(REPLAY_ATTRIBUTE).isPresent();
  }

  private static boolean isTokenRequest(HttpRequest<?> request) {
    return request.getAttribute(MicronautTransport.TOKEN_REQUEST_ATTRIBUTE).isPresent();
  }

  /** Bodies Micronaut encodes anew for every send can be replayed; streams are read only once. */
  private static boolean isReplayable(HttpRequest<?> request) {
    Optional<?> body = request.getBody();
    if (body.isEmpty()) {
      return true;
    }
    Object value = body.get();
    return !(value instanceof Publisher || value instanceof InputStream || value instanceof ByteBody);
  }

  private void remember(String header) {
    recent.set(Math.floorMod(next.getAndIncrement(), REMEMBERED), header);
  }

  private boolean isOurs(String header) {
    for (int i = 0; i < REMEMBERED; i++) {
      if (header.equals(recent.get(i))) {
        return true;
      }
    }
    return false;
  }
}
