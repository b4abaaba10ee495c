package com.ctcfile.token.transport.micronaut;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.BearerHosts;
import io.micronaut.core.util.PathMatcher;
import io.micronaut.http.BasicHttpAttributes;
import io.micronaut.http.HttpRequest;
import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * Which requests get the token: those to a configured host or from a client of a configured service
 * id, whose path matches a configured pattern (see {@link CtcTokenProperties.FilterProperties}).
 * Immutable and thread-safe.
 */
final class BearerTargets {

  private final BearerHosts hosts;
  private final Set<String> serviceIds;
  private final List<String> patterns;
  private final boolean allowInsecureHttp;

  BearerTargets(BearerHosts hosts, Set<String> serviceIds, List<String> patterns, boolean allowInsecureHttp) {
    this.hosts = hosts;
    this.serviceIds = Set.copyOf(serviceIds);
    this.patterns = List.copyOf(patterns);
    this.allowInsecureHttp = allowInsecureHttp;
  }

  /** The targets {@code properties} describe; call {@link CtcTokenProperties#validate()} first. */
  static BearerTargets from(CtcTokenProperties properties) {
    CtcTokenProperties.FilterProperties filter = properties.getFilter();
    BearerHosts hosts = filter.getHosts().isEmpty() && filter.getServiceIds().isEmpty()
        ? BearerHosts.of(properties.endpointUri())
        : BearerHosts.of(filter.getHosts());
    return new BearerTargets(hosts, Set.copyOf(filter.getServiceIds()), filter.getPatterns(),
        properties.isAllowInsecureHttp());
  }

  /** Whether {@code request}, whose URI is absolute by the time client filters see it, is one to authorize. */
  boolean selects(HttpRequest<?> request) {
    URI uri = request.getUri();
    boolean where = hosts.matches(uri)
        || BasicHttpAttributes.getServiceId(request).map(serviceIds::contains).orElse(false);
    if (!where) {
      return false;
    }
    if (patterns.isEmpty()) {
      return true;
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    for (String pattern : patterns) {
      if (PathMatcher.ANT.matches(pattern, path)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Refuses to put the token on plain http to a host that is not loopback, unless allowed.
   *
   * @throws CtcTokenException if the request must not carry the token
   */
  void checkScheme(URI uri) {
    if (!BearerHosts.mayCarryToken(uri.getScheme(), uri.getHost(), allowInsecureHttp)) {
      throw new CtcTokenException("refusing to send the CTC access token to " + uri.getScheme() + "://"
          + uri.getRawAuthority() + " over plain http: it would cross the network in clear text."
          + " Use https, or set " + CtcTokenProperties.PREFIX + ".allow-insecure-http=true");
    }
  }

  @Override
  public String toString() {
    return "hosts=" + hosts + ", serviceIds=" + serviceIds + ", patterns=" + (patterns.isEmpty() ? "[/**]" : patterns)
        + (allowInsecureHttp ? ", insecure http allowed" : "");
  }
}
