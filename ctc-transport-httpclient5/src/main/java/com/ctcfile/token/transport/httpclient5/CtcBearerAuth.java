package com.ctcfile.token.transport.httpclient5;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.BearerHosts;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * Puts the CTC access token on your own HttpClient 5 clients, classic and async, with one line on
 * the client builder:
 *
 * <pre>{@code
 * CtcBearerAuth auth = CtcBearerAuth.builder(tokenProvider)   // e.g. a TokenManager
 *     .host("api.ctcfile.com")
 *     .build();
 *
 * CloseableHttpClient http = auth.install(HttpClients.custom()).build();
 * CloseableHttpAsyncClient async = auth.install(HttpAsyncClients.custom()).build();
 * }</pre>
 *
 * <p>{@code install} is shorthand for adding {@link #classic()} or {@link #async()} under the name
 * {@link #NAME} just before HttpClient's protocol element, which both builders always have; with
 * another builder (such as {@code H2AsyncClientBuilder}) or a customised chain, add it there yourself:
 * {@code builder.addExecInterceptorBefore(ChainElement.PROTOCOL.name(), CtcBearerAuth.NAME, auth.async())}.
 * That position lies below the redirect and retry elements, so each redirect hop and each automatic
 * retry is judged by its own target, and a retry still carries the token.
 *
 * <p><b>Which requests get the token.</b> {@code Authorization: Bearer <token>} is set only on
 * requests whose target host equals a configured host (case-insensitively) and, if the host was
 * configured with a port, whose port equals it too (a URL without a port has its scheme's default).
 * Requests to any other host, including the hops of a redirect from a configured host to another
 * one, are passed on untouched: the integration never adds, changes or removes their headers. A
 * request that already carries an {@code Authorization} header keeps it and is not handled at all,
 * nor are the token requests of an {@link HttpClient5Transport} sending through the same client.
 * The token travels only over https, except to loopback hosts or with
 * {@link Builder#allowInsecureHttp(boolean) allowInsecureHttp(true)}: a configured host reached over
 * plain http (for instance after a downgrading redirect) fails the request instead.
 *
 * <p><b>401 handling.</b> When a configured host answers 401, the token it rejected is handed to
 * {@link TokenProvider#renewAfterRejection} (classic) or {@link TokenProvider#renewAfterRejectionAsync}
 * (async), which returns a newer token, fetching one only if nobody has yet. Then:
 * <ul>
 *   <li>a <em>repeatable</em> request (no body, or an {@code HttpEntity} / {@code AsyncEntityProducer}
 *       whose {@code isRepeatable()} is true) has its 401 body read and dropped, which keeps the
 *       connection reusable, and is sent <em>once</em> more with the new token. Whatever that replay
 *       gets, a second 401 included, is what the caller gets;
 *   <li>a request that cannot be replayed gets its 401 as is. The renewal still happens, so the next
 *       call carries the new token: the classic client renews before it returns the 401, the async
 *       client in the background, since its caller already has the response.
 * </ul>
 *
 * <p><b>Failures.</b> If the provider cannot give a token, the request fails with the provider's
 * unchecked {@link com.ctcfile.token.CtcTokenException} (a {@code CtcApiException},
 * {@code TokenTransportException}, {@code RenewalRateLimitedException}...): the classic
 * {@code execute} throws it as is, the async future fails with it as its cause. This includes a
 * renewal after a 401 on a repeatable request, whose 401 was already dropped. After a 401 on a
 * request that cannot be replayed, a failed renewal is only logged (at {@code DEBUG}, System.Logger
 * {@code com.ctcfile.token.core.BearerFailures}): the 401 is that call's answer, and the next call
 * reports the problem if it persists.
 *
 * <p><b>Threads.</b> Instances, and the handlers they give, are immutable and thread-safe; install
 * one in any number of clients. The classic handler may block the calling thread in
 * {@link TokenProvider#token()} while no valid token is held, as any classic call blocks. The async
 * handler calls only the provider's {@code *Async} methods and never blocks an I/O thread.
 */
public final class CtcBearerAuth {

  /** The name of the exec chain element, for {@code addExecInterceptorBefore/After} and {@code replaceExecInterceptor}. */
  public static final String NAME = "ctc-bearer-auth";

  /** The context attribute that marks a token request of {@link HttpClient5Transport}: never authorized. */
  static final String TRANSPORT_REQUEST = "com.ctcfile.token.transport.httpclient5.token-request";

  private final BearerPolicy policy;
  private final ExecChainHandler classic;
  private final AsyncExecChainHandler async;

  private CtcBearerAuth(Builder builder) {
    this.policy = new BearerPolicy(BearerHosts.of(builder.hosts), builder.allowInsecureHttp);
    this.classic = new ClassicBearerHandler(builder.provider, policy);
    this.async = new AsyncBearerHandler(builder.provider, policy);
  }

  /**
   * A builder for an integration taking its tokens from {@code tokenProvider}; at least one
   * {@link Builder#host(String) host} is required.
   *
   * @throws NullPointerException if {@code tokenProvider} is null
   */
  public static Builder builder(TokenProvider tokenProvider) {
    return new Builder(Objects.requireNonNull(tokenProvider, "tokenProvider"));
  }

  /** The exec chain element for classic clients ({@code HttpClientBuilder}); always the same instance. */
  public ExecChainHandler classic() {
    return classic;
  }

  /** The exec chain element for async clients ({@code HttpAsyncClientBuilder}); always the same instance. */
  public AsyncExecChainHandler async() {
    return async;
  }

  /**
   * Adds {@link #classic()} to {@code builder} just before its protocol element.
   *
   * @return {@code builder}, to go on configuring it
   */
  public HttpClientBuilder install(HttpClientBuilder builder) {
    return builder.addExecInterceptorBefore(ChainElement.PROTOCOL.name(), NAME, classic);
  }

  /**
   * Adds {@link #async()} to {@code builder} just before its protocol element.
   *
   * @return {@code builder}, to go on configuring it
   */
  public HttpAsyncClientBuilder install(HttpAsyncClientBuilder builder) {
    return builder.addExecInterceptorBefore(ChainElement.PROTOCOL.name(), NAME, async);
  }

  @Override
  public String toString() {
    return "CtcBearerAuth{" + policy + "}";
  }

  /**
   * Configures a {@link CtcBearerAuth}. Setters validate at once and fail with
   * {@link IllegalArgumentException} or {@link NullPointerException}; not thread-safe.
   */
  public static final class Builder {
    private final TokenProvider provider;
    private final List<String> hosts = new ArrayList<>();
    private boolean allowInsecureHttp;

    private Builder(TokenProvider provider) {
      this.provider = provider;
    }

    /**
     * Adds a host that gets the token: a name or IP address, optionally with a port, such as
     * {@code api.ctcfile.com}, {@code 127.0.0.1:8080} or {@code [::1]:8443}; not a URL. Without a
     * port every port of the host matches. Names are compared case-insensitively and literally: no
     * DNS lookup, so {@code localhost} and {@code 127.0.0.1} are different hosts.
     */
    public Builder host(String host) {
      BearerHosts.validate(host);
      hosts.add(host);
      return this;
    }

    /**
     * Allows the token over plain http to hosts that are not loopback. Off by default: the token
     * would cross the network in clear text.
     */
    public Builder allowInsecureHttp(boolean allow) {
      this.allowInsecureHttp = allow;
      return this;
    }

    /**
     * Builds the integration.
     *
     * @throws IllegalStateException if no host was added
     */
    public CtcBearerAuth build() {
      if (hosts.isEmpty()) {
        throw new IllegalStateException("add at least one host(...) that gets the token");
      }
      return new CtcBearerAuth(this);
    }
  }
}
