package com.ctcfile.token.transport.vertx;

import com.ctcfile.token.TokenTransportException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.HttpContext;

/**
 * Hands each token request's Vert.x {@code HttpClientRequest} to its {@link TokenFetch}, so that a
 * deadline or an oversized body can close the connection. The WebClient's public API has no way to
 * abort a request; its interceptor chain (the mechanism of Vert.x's own {@code OAuth2WebClient},
 * {@code WebClientSession} and {@code CachingWebClient}) does. Requests that are not token requests
 * pass through untouched, so installing it on a caller's client changes nothing else.
 *
 * <p>Stateless and thread-safe; one instance serves every client.
 */
final class TokenFetchInterceptor implements Handler<HttpContext<?>> {

  static final TokenFetchInterceptor INSTANCE = new TokenFetchInterceptor();

  private TokenFetchInterceptor() {}

  /**
   * Installs the interceptor on {@code client}; does nothing if it is there already (another
   * transport on the same client installed it).
   */
  static void installOn(WebClient client) {
    try {
      client.addInterceptor(INSTANCE);
    } catch (IllegalStateException alreadyInstalled) {
      // WebClientBase refuses a second interceptor of one class; this one is stateless, so one is enough
    }
  }

  @Override
  public void handle(HttpContext<?> context) {
    if (context.phase() == ClientPhase.SEND_REQUEST) {
      TokenFetch fetch = TokenFetch.of(context.request());
      if (fetch != null && !fetch.sending(context.clientRequest(), Vertx.currentContext())) {
        context.fail(new TokenTransportException("token request abandoned before it was sent", null));
        return;
      }
    }
    context.next();
  }

  @Override
  public String toString() {
    return "TokenFetchInterceptor";
  }
}
