package com.ctcfile.token.spring.boot;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.BearerFailures;
import com.ctcfile.token.core.BearerHosts;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.util.AntPathMatcher;

/**
 * Which requests get the token, shared by {@link CtcBearerInterceptor} and
 * {@link CtcBearerExchangeFilter}: those whose actual host and port is a configured one and whose
 * path matches a configured Ant pattern (every path when none is); and whether the token may travel
 * over the request's scheme. Immutable and thread-safe.
 */
final class BearerTargets {

  // AntPathMatcher is thread-safe; one for all, like the patterns it reads
  private static final AntPathMatcher PATHS = new AntPathMatcher();

  private final BearerHosts hosts;
  private final List<String> patterns;
  private final boolean allowInsecureHttp;

  private BearerTargets(BearerHosts hosts, List<String> patterns, boolean allowInsecureHttp) {
    this.hosts = hosts;
    this.patterns = List.copyOf(patterns);
    this.allowInsecureHttp = allowInsecureHttp;
  }

  /** The targets {@code properties} describe; call {@link CtcTokenProperties#validate()} first. */
  static BearerTargets from(CtcTokenProperties properties) {
    CtcTokenProperties.Filter filter = properties.getFilter();
    BearerHosts hosts = filter.getHosts().isEmpty()
        ? BearerHosts.of(properties.endpointUri())
        : BearerHosts.of(filter.getHosts());
    return new BearerTargets(hosts, filter.getPatterns(), properties.isAllowInsecureHttp());
  }

  /** Whether a request to the absolute {@code uri} is one to authorize. */
  boolean selects(URI uri) {
    if (!hosts.matches(uri)) {
      return false;
    }
    if (patterns.isEmpty()) {
      return true;
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    for (String pattern : patterns) {
      if (PATHS.match(pattern, path)) {
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
          "set " + CtcTokenProperties.PREFIX + ".allow-insecure-http=true (or allowInsecureHttp(true) on the builder)");
    }
  }

  @Override
  public String toString() {
    return "hosts=" + hosts + ", patterns=" + (patterns.isEmpty() ? "[/**]" : patterns)
        + (allowInsecureHttp ? ", insecure http allowed" : "");
  }

  /** Collects hosts and patterns for the integrations' builders, checking each at once. Not thread-safe. */
  static final class Spec {
    private final List<String> hosts = new ArrayList<>();
    private final List<String> patterns = new ArrayList<>();
    private boolean allowInsecureHttp;

    void host(String host) {
      BearerHosts.validate(host);
      hosts.add(host.trim());
    }

    void pattern(String pattern) {
      Objects.requireNonNull(pattern, "pattern");
      if (!pattern.startsWith("/")) {
        throw new IllegalArgumentException("a path pattern starts with /, such as /api/**: " + pattern);
      }
      patterns.add(pattern);
    }

    void allowInsecureHttp(boolean allow) {
      this.allowInsecureHttp = allow;
    }

    BearerTargets build() {
      if (hosts.isEmpty()) {
        throw new IllegalStateException("name at least one host, e.g. host(\"api.ctcfile.com\"): without one no"
            + " request would get the token");
      }
      return new BearerTargets(BearerHosts.of(hosts), patterns, allowInsecureHttp);
    }

    @Override
    public String toString() {
      return "hosts=" + hosts + ", patterns=" + patterns + ", allowInsecureHttp=" + allowInsecureHttp;
    }
  }
}
