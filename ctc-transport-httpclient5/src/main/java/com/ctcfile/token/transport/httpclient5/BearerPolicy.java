package com.ctcfile.token.transport.httpclient5;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.BearerFailures;
import com.ctcfile.token.core.BearerHosts;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;

/** Decides which requests carry the token; shared by the classic and the async handler. Immutable. */
final class BearerPolicy {

  private final BearerHosts hosts;
  private final boolean allowInsecureHttp;

  BearerPolicy(BearerHosts hosts, boolean allowInsecureHttp) {
    this.hosts = hosts;
    this.allowInsecureHttp = allowInsecureHttp;
  }

  /**
   * Whether {@code request}, about to go to {@code route}'s target, gets the token: not for the
   * token transport's own requests, not when the caller set an {@code Authorization} header, not for
   * hosts outside the configured set.
   *
   * @throws CtcTokenException if it should get the token but would carry it over plain http to a host
   *     that is not loopback, and insecure http was not allowed
   */
  boolean authorizes(HttpRequest request, HttpRoute route, HttpClientContext context) {
    if (context != null && context.getAttribute(CtcBearerAuth.TRANSPORT_REQUEST) != null) {
      return false;
    }
    if (request.containsHeader(HttpHeaders.AUTHORIZATION)) {
      return false;
    }
    HttpHost target = route.getTargetHost();
    if (!hosts.matches(target.getSchemeName(), target.getHostName(), target.getPort())) {
      return false;
    }
    if (!BearerHosts.mayCarryToken(target.getSchemeName(), target.getHostName(), allowInsecureHttp)) {
      throw BearerFailures.plainHttpRefused(target.toURI(), "allowInsecureHttp(true)");
    }
    return true;
  }

  @Override
  public String toString() {
    return "hosts=" + hosts + (allowInsecureHttp ? ", insecure http allowed" : "");
  }
}
