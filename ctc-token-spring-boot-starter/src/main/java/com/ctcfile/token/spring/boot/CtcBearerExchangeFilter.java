package com.ctcfile.token.spring.boot;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.BearerFailures;
import java.net.URI;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * Puts the CTC token on the requests of a {@code WebClient} and heals a 401 caused by a token renewed
 * elsewhere, without ever blocking: the token comes from {@link TokenProvider#tokenAsync()} and the
 * renewal from {@link TokenProvider#renewAfterRejectionAsync(AccessToken)}, so an event loop never
 * waits for the token endpoint or the shared store.
 *
 * <pre>{@code
 * CtcBearerExchangeFilter bearer = CtcBearerExchangeFilter.builder(tokens).host("api.ctcfile.com").build();
 * WebClient ctc = WebClient.builder().filter(bearer).build();
 * }</pre>
 *
 * The starter installs one on the {@code WebClient.Builder} that Spring Boot configures when WebFlux
 * is on the class path.
 *
 * <p><b>Which requests.</b> As {@link CtcBearerInterceptor}: a configured host and port, a matching
 * path, no {@code Authorization} of the caller's own; plain http refused with a
 * {@link CtcTokenException} unless the host is loopback or insecure http is allowed.
 *
 * <p><b>401.</b> The request is sent once more with the renewed token when its body can be sent
 * again: the filter keeps a copy of the bytes the first attempt wrote, up to
 * {@value #MAX_REPLAY_BYTES} bytes, so a body from a publisher that can be subscribed only once is
 * replayed too. A larger body, or a streaming one (written in flushed chunks, as Spring writes
 * {@code text/event-stream} and {@code application/x-ndjson}), is not replayed: its 401 is the
 * caller's answer, and the renewal still runs so that the next call carries a good token. A second
 * 401 is the caller's answer.
 *
 * <p><b>Redirects.</b> A filter sees the request once; Reactor Netty, which follows no redirect
 * unless told to, drops the {@code Authorization} header itself on a redirect to another host.
 *
 * <p>The provider's failures reach the subscriber as the {@link CtcTokenException} subtypes they are.
 * Thread-safe and meant to be shared.
 */
public final class CtcBearerExchangeFilter implements ExchangeFilterFunction {

  /** The largest request body kept for the replay after a 401, in bytes. */
  public static final int MAX_REPLAY_BYTES = 1024 * 1024;

  private final TokenProvider tokens;
  private final BearerTargets targets;

  private CtcBearerExchangeFilter(TokenProvider tokens, BearerTargets targets) {
    this.tokens = tokens;
    this.targets = targets;
  }

  /** A builder for a filter taking its tokens from {@code tokens}. */
  public static Builder builder(TokenProvider tokens) {
    return new Builder(tokens);
  }

  static CtcBearerExchangeFilter of(TokenProvider tokens, BearerTargets targets) {
    return new CtcBearerExchangeFilter(Objects.requireNonNull(tokens, "tokens"), targets);
  }

  @Override
  public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
    URI uri = request.url();
    if (!targets.selects(uri) || request.headers().containsHeader(HttpHeaders.AUTHORIZATION)) {
      return next.exchange(request);
    }
    try {
      targets.checkScheme(uri);
    } catch (CtcTokenException refused) {
      return Mono.error(refused);
    }
    return Mono.defer(() -> Mono.fromCompletionStage(tokens.tokenAsync()))
        .onErrorMap(BearerFailures::unwrap)
        .flatMap(token -> {
          ReplayableBody body = new ReplayableBody(request.body(), MAX_REPLAY_BYTES);
          return next.exchange(authorized(request, token).body(body.recording()).build())
              .flatMap(response -> response.statusCode().value() == HttpStatus.UNAUTHORIZED.value()
                  ? afterRejection(request, token, body, response, next)
                  : Mono.just(response));
        });
  }

  private Mono<ClientResponse> afterRejection(ClientRequest request, AccessToken rejected, ReplayableBody body,
      ClientResponse response, ExchangeFunction next) {
    if (!body.replayable()) {
      BearerFailures.renewForNextCall(tokens, rejected);
      return Mono.just(response);
    }
    return response.releaseBody()
        .then(Mono.defer(() -> Mono.fromCompletionStage(tokens.renewAfterRejectionAsync(rejected))))
        .onErrorMap(BearerFailures::unwrap)
        .flatMap(renewed -> next.exchange(authorized(request, renewed).body(body.replay()).build()));
  }

  private static ClientRequest.Builder authorized(ClientRequest request, AccessToken token) {
    return ClientRequest.from(request)
        .headers(headers -> headers.set(HttpHeaders.AUTHORIZATION, token.authorizationHeaderValue()));
  }

  @Override
  public String toString() {
    return "CtcBearerExchangeFilter{" + targets + "}";
  }

  /** Configures a {@link CtcBearerExchangeFilter}; each option is checked at once. Not thread-safe. */
  public static final class Builder {
    private final TokenProvider tokens;
    private final BearerTargets.Spec spec = new BearerTargets.Spec();

    private Builder(TokenProvider tokens) {
      this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    /**
     * A host whose requests get the token: a name or address, optionally with a port
     * ({@code api.ctcfile.com}, {@code 127.0.0.1:8080}); compared literally and case-insensitively.
     *
     * @throws IllegalArgumentException if {@code host} is not a host (a URL, say)
     */
    public Builder host(String host) {
      spec.host(host);
      return this;
    }

    /**
     * An Ant path pattern such as {@code /api/**} that a request to one of the hosts must also
     * match; without any, every path.
     *
     * @throws IllegalArgumentException if {@code pattern} does not start with {@code /}
     */
    public Builder pattern(String pattern) {
      spec.pattern(pattern);
      return this;
    }

    /** Whether the token may go over plain http to hosts that are not loopback. Default false. */
    public Builder allowInsecureHttp(boolean allow) {
      spec.allowInsecureHttp(allow);
      return this;
    }

    /**
     * The filter.
     *
     * @throws IllegalStateException if no host was named
     */
    public CtcBearerExchangeFilter build() {
      return new CtcBearerExchangeFilter(tokens, spec.build());
    }

    @Override
    public String toString() {
      return "CtcBearerExchangeFilter.Builder{" + spec + "}";
    }
  }
}
