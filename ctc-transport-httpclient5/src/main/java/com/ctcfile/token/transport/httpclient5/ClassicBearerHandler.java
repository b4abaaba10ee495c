package com.ctcfile.token.transport.httpclient5;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.BearerFailures;
import java.io.IOException;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * The classic-client half of {@link CtcBearerAuth}: an exec chain element placed just before
 * HttpClient's protocol element, so that every redirect hop and every automatic retry passes
 * through it with its own target. Stateless and thread-safe; it blocks the calling thread as the
 * classic client does.
 */
final class ClassicBearerHandler implements ExecChainHandler {

  private final TokenProvider provider;
  private final BearerPolicy policy;

  ClassicBearerHandler(TokenProvider provider, BearerPolicy policy) {
    this.provider = provider;
    this.policy = policy;
  }

  @Override
  public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
      throws IOException, HttpException {
    if (!policy.authorizes(request, scope.route, scope.clientContext)) {
      return chain.proceed(request, scope);
    }
    AccessToken token = provider.token();
    HttpEntity entity = request.getEntity();
    boolean replayable = entity == null || entity.isRepeatable();
    request.setHeader(HttpHeaders.AUTHORIZATION, token.authorizationHeaderValue());
    // the elements below add Host, Content-Length and others to this very request; a replay starts from these
    Header[] sent = request.getHeaders();

    ClassicHttpResponse response = chain.proceed(request, scope);
    if (response.getCode() != HttpStatus.SC_UNAUTHORIZED) {
      return response;
    }
    if (!replayable) {
      // before the 401 goes back, so that the caller's next call carries the renewed token
      BearerFailures.renewForNextCall(provider, token).join();
      return response;
    }
    discard(response);
    AccessToken renewed = provider.renewAfterRejection(token);
    request.setHeaders(sent);
    request.setHeader(HttpHeaders.AUTHORIZATION, renewed.authorizationHeaderValue());
    return chain.proceed(request, scope);
  }

  @Override
  public String toString() {
    return "CtcBearerAuth.classic{" + policy + "}";
  }

  // reading the body to its end hands the connection back to the pool for the replay
  private static void discard(ClassicHttpResponse response) throws IOException {
    try {
      EntityUtils.consume(response.getEntity());
    } finally {
      response.close();
    }
  }
}
