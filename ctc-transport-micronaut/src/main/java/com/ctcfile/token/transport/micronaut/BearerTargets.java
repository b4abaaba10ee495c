package com.ctcfile.token.transport.micronaut;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.BearerFailures;
import com.ctcfile.token.core.BearerHosts;
import io.micronaut.core.util.PathMatcher;
import io.micronaut.http.BasicHttpAttributes;
import io.micronaut.http.HttpRequest;
import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * Which requests get the token: those whose actual host and port is a configured one (the
 * endpoint's when none is configured), and, when service ids are configured, that come from a
 * client of one of them, and whose path matches a configured pattern (see
 * {@link CtcTokenProperties.FilterProperties}). A service id only ever narrows the hosts: a service
 * client that follows a redirect, or is called with an absolute URI, to another host sends no token
 * there. Immutable and thread-safe.
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
    BearerHosts hosts = filter.getHosts().isEmpty()
        ? BearerHosts.of(properties.endpointUri())
        : BearerHosts.of(filter.getHosts());
    return new BearerTargets(hosts, Set.copyOf(filter.getServiceIds()), filter.getPatterns(),
        properties.isAllowInsecureHttp());
  }

  /** Whether {@code request}, whose URI is absolute by the time client filters see it, is one to authorize. */
  boolean selects(HttpRequest<?> request) {
    URI uri = request.getUri();
    if (!hosts.matches(uri)) {
      return false;
    }
    if (!serviceIds.isEmpty() && !BasicHttpAttributes.getServiceId(request).map(serviceIds::contains).orElse(false)) {
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
      throw BearerFailures.plainHttpRefused(uri.getScheme() + "://" + uri.getRawAuthority(),
          "set " + CtcTokenProperties.PREFIX + ".allow-insecure-http=true");
    }
  }

  @Override
  public String toString() {
    return "hosts=" + hosts + ", serviceIds=" + serviceIds + ", patterns=" + (patterns.isEmpty() ? "[/**]" : patterns)
        + (allowInsecureHttp ? ", insecure http allowed" : "");
  }
}
