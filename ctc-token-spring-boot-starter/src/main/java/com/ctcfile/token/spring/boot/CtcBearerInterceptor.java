package com.ctcfile.token.spring.boot;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenProvider;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Puts the CTC token on the requests of a {@code RestClient} or {@code RestTemplate}, whatever
 * request factory sends them (JDK, Apache HttpClient, Jetty, Reactor Netty), and heals a 401 caused
 * by a token renewed elsewhere.
 *
 * <pre>{@code
 * CtcBearerInterceptor bearer = CtcBearerInterceptor.builder(tokens).host("api.ctcfile.com").build();
 * RestClient ctc = RestClient.builder().requestInterceptor(bearer).build();
 * }</pre>
 *
 * The starter installs one on the {@code RestClient.Builder} and {@code RestTemplateBuilder} that
 * Spring Boot configures, so an application needs no code.
 *
 * <p><b>Which requests.</b> Those to a configured host and port whose path matches a configured Ant
 * pattern (every path when none is configured); a request that already has an {@code Authorization}
 * header keeps it. Plain http is refused with a {@link CtcTokenException}, before anything is sent,
 * unless the host is loopback or insecure http is allowed.
 *
 * <p><b>401.</b> The token that was rejected is handed to
 * {@link TokenProvider#renewAfterRejection(AccessToken)}, which adopts a newer token from the shared
 * store or fetches one, and the request is sent once more with it: always possible, since Spring hands
 * interceptors the whole body as a byte array. A second 401 is the caller's answer.
 *
 * <p><b>Redirects.</b> Spring runs an interceptor once per request; a redirect that the request
 * factory follows happens below it and is never seen here, and the JDK's {@code HttpClient} (Spring
 * Boot's default factory, which follows redirects) copies the {@code Authorization} header to
 * whatever host a redirect names. So the factories must be made with {@link #guardRedirects}: the
 * starter does that for every factory Spring Boot builds; an application that sets a request factory
 * of its own on a builder wraps its builder the same way, or makes a factory that follows no redirect.
 *
 * <p>The provider's failures reach the caller as the {@link CtcTokenException} subtypes they are.
 * Blocking, like the request itself; thread-safe and meant to be shared.
 */
public final class CtcBearerInterceptor implements ClientHttpRequestInterceptor {

  private final TokenProvider tokens;
  private final BearerTargets targets;

  private CtcBearerInterceptor(TokenProvider tokens, BearerTargets targets) {
    this.tokens = tokens;
    this.targets = targets;
  }

  /** A builder for an interceptor taking its tokens from {@code tokens}. */
  public static Builder builder(TokenProvider tokens) {
    return new Builder(tokens);
  }

  static CtcBearerInterceptor of(TokenProvider tokens, BearerTargets targets) {
    return new CtcBearerInterceptor(Objects.requireNonNull(tokens, "tokens"), targets);
  }

  @Override
  public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
      throws IOException {
    URI uri = request.getURI();
    if (!targets.selects(uri) || request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)) {
      return execution.execute(request, body);
    }
    targets.checkScheme(uri);
    AccessToken token = tokens.token();
    request.getHeaders().set(HttpHeaders.AUTHORIZATION, token.authorizationHeaderValue());
    ClientHttpResponse response = execution.execute(request, body);
    if (response.getStatusCode().value() != HttpStatus.UNAUTHORIZED.value()) {
      return response;
    }
    response.close();
    AccessToken renewed = tokens.renewAfterRejection(token);
    request.getHeaders().set(HttpHeaders.AUTHORIZATION, renewed.authorizationHeaderValue());
    return execution.execute(request, body);
  }

  /**
   * {@code factories} with redirects that never carry the token to a host this interceptor does not
   * send it to: requests to its hosts go through a factory of the same library that follows no
   * redirect, and their redirects are followed here (at most 5 hops, never https to http; 303, and
   * 301 or 302 after a POST, become a GET), a hop to another host without {@code Authorization}.
   * Other requests are {@code factories}' own. Settings with redirects {@code DONT_FOLLOW} get
   * {@code factories}' factory unchanged.
   *
   * <pre>{@code
   * RestClient.builder()
   *     .requestFactory(bearer.guardRedirects(ClientHttpRequestFactoryBuilder.jdk()).build(settings))
   *     .requestInterceptor(bearer)
   * }</pre>
   */
  public ClientHttpRequestFactoryBuilder<ClientHttpRequestFactory> guardRedirects(
      ClientHttpRequestFactoryBuilder<?> factories) {
    return new TokenRedirectGuard(factories, targets);
  }

  @Override
  public String toString() {
    return "CtcBearerInterceptor{" + targets + "}";
  }

  /** Configures a {@link CtcBearerInterceptor}; each option is checked at once. Not thread-safe. */
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
     * The interceptor.
     *
     * @throws IllegalStateException if no host was named
     */
    public CtcBearerInterceptor build() {
      return new CtcBearerInterceptor(tokens, spec.build());
    }

    @Override
    public String toString() {
      return "CtcBearerInterceptor.Builder{" + spec + "}";
    }
  }
}
