package com.ctcfile.token.transport.vertx;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.BearerHosts;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Puts the CTC access token on the requests of your own Vert.x {@link WebClient}, without ever
 * blocking an event loop:
 *
 * <pre>{@code
 * WebClient api = CtcBearerAuth.builder(tokens)        // tokens: a TokenProvider, e.g. a TokenManager
 *     .host("api.ctcfile.com")
 *     .build()
 *     .install(WebClient.create(vertx));
 *
 * api.getAbs("https://api.ctcfile.com/v1/files").send()   // carries Authorization: Bearer <token>
 *     .onSuccess(response -> ...);
 * }</pre>
 *
 * <p><b>The client.</b> {@link #install(WebClient)} adds an interceptor to the client it is given and
 * returns that same client: from then on every request it sends to a configured host carries the
 * token. (Vert.x 5 has no public way to copy a WebClient; its own {@code OAuth2WebClient} copies
 * through internals.) To keep a client without the token as well, make two clients on one
 * {@code HttpClient}, which then share its connection pool:
 * {@code WebClient.wrap(httpClient)} and {@code auth.install(WebClient.wrap(httpClient))}. A client
 * takes one {@code CtcBearerAuth}: installing a second one fails with {@link IllegalStateException}.
 * Clients made from it afterwards ({@code WebClientSession.create(api)}, ...) inherit it.
 *
 * <p><b>Which requests get the token.</b> {@code Authorization: Bearer <token>} is set only on
 * requests whose host equals a configured host (case-insensitively, literally: no DNS lookup) and,
 * if the host was configured with a port, whose port equals it (no port in the URL means the scheme's
 * default). The host is the one the request names ({@code getAbs(url)}, {@code get(port, host, uri)},
 * the client's default host...), which is also its {@code Host} header. Each redirect hop is judged on
 * its own: Vert.x copies every header to the next hop, so the token is taken off a hop to any other
 * host and set afresh on a hop to a configured one. A request that already carries an
 * {@code Authorization} header of its own keeps it and is not handled at all, nor are the token
 * requests of a {@link VertxTransport} sending through the same client. The token travels over https
 * only, except to loopback hosts or with {@link Builder#allowInsecureHttp(boolean)
 * allowInsecureHttp(true)}: a request to a configured host over plain http fails instead.
 *
 * <p><b>401.</b> When a configured host answers 401 to a request that carried the token, the 401
 * body is read and dropped (before your {@code BodyCodec} sees any of it), the rejected token goes to
 * {@link TokenProvider#renewAfterRejectionAsync}, which returns a newer token (fetching one only if no
 * node has yet), and the request is sent once more, with the same body, through the whole interceptor
 * chain. Whatever that replay gets, a second 401 included, is your response. Bodies given as a
 * {@code Buffer}, JSON, a form or a multipart form are sent again as they were; a body given to
 * {@code sendStream(ReadStream)} was consumed by the first attempt and cannot be, so such a request
 * gets its 401 as is, while the renewal still runs in the background for the next call.
 *
 * <p><b>Failures.</b> When the provider cannot give a token, the request's future fails with the
 * provider's unchecked {@link com.ctcfile.token.CtcTokenException} ({@code CtcApiException},
 * {@code TokenTransportException}, {@code RenewalRateLimitedException}, ...), also when it was a
 * renewal after a 401 whose body was already dropped. After a 401 to a streamed request a failed
 * renewal is only logged at {@code DEBUG} (System.Logger {@code com.ctcfile.token.core.BearerFailures}).
 * No message contains a token.
 *
 * <p><b>Threads.</b> The token comes from {@link TokenProvider#tokenAsync()} and
 * {@link TokenProvider#renewAfterRejectionAsync}, never from the blocking methods, and the request
 * goes on on the Vert.x context it was running on. While a valid token is held, which is almost
 * always, the token is set in the same step without any hop. Instances are immutable and thread-safe.
 *
 * <p><b>Class path.</b> The WebClient's interceptor API lives in {@code io.vertx.ext.web.client.impl},
 * which Vert.x documents as internal and does not export to other JPMS modules: this works on the
 * class path (Maven, Gradle, Quarkus and Spring applications); on the module path add
 * {@code --add-exports io.vertx.web.client/io.vertx.ext.web.client.impl=com.ctcfile.token.transport.vertx}.
 */
public final class CtcBearerAuth {

  private final BearerInterceptor interceptor;
  private final BearerHosts hosts;
  private final boolean allowInsecureHttp;

  private CtcBearerAuth(Builder builder) {
    this.hosts = BearerHosts.of(builder.hosts);
    this.allowInsecureHttp = builder.allowInsecureHttp;
    this.interceptor = new BearerInterceptor(builder.provider, hosts, allowInsecureHttp);
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

  /**
   * Adds the bearer interceptor to {@code client} and returns {@code client}, which from now on puts
   * the token on its requests to the configured hosts.
   *
   * @throws NullPointerException if {@code client} is null
   * @throws IllegalStateException if {@code client} already has a {@code CtcBearerAuth} installed
   */
  public WebClient install(WebClient client) {
    Objects.requireNonNull(client, "client");
    try {
      return client.addInterceptor(interceptor);
    } catch (IllegalStateException twice) {
      throw new IllegalStateException("this WebClient already has a CtcBearerAuth installed; use one WebClient per"
          + " CtcBearerAuth (several WebClient.wrap(httpClient) may share one HttpClient)", twice);
    }
  }

  @Override
  public String toString() {
    return "CtcBearerAuth{hosts=" + hosts + (allowInsecureHttp ? ", insecure http allowed" : "") + "}";
  }

  /**
   * Configures a {@link CtcBearerAuth}. Setters validate at once and fail with
   * {@link IllegalArgumentException} or {@link NullPointerException}. Not thread-safe.
   */
  public static final class Builder {
    private final TokenProvider provider;
    private final List<String> hosts = new ArrayList<>();
    private boolean allowInsecureHttp;

    private Builder(TokenProvider provider) {
      this.provider = provider;
    }

    /**
     * Adds a host that gets the token: a name or IP address with an optional port, such as
     * {@code api.ctcfile.com}, {@code 127.0.0.1:8080} or {@code [::1]:8443}; not a URL. Without a
     * port, every port of the host matches. Names are compared literally, so {@code localhost} and
     * {@code 127.0.0.1} are different hosts.
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
