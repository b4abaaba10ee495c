package com.ctcfile.token.core;

import com.ctcfile.token.CtcTokenException;
import java.net.URI;
import java.util.Collection;
import java.util.Objects;

/**
 * Which requests a bearer integration puts the token on, as its builder was configured: the
 * {@link BearerHosts} (at least one) and whether the token may travel over plain http to hosts that
 * are not loopback. Every bearer integration's builder makes one, so that all of them refuse an empty
 * host list, decide per request and refuse plain http with the same rule and the same words.
 * Immutable and thread-safe.
 */
public final class BearerTargets {

  private static final String HOW_TO_ALLOW = "allowInsecureHttp(true)";

  private final BearerHosts hosts;
  private final boolean allowInsecureHttp;

  private BearerTargets(BearerHosts hosts, boolean allowInsecureHttp) {
    this.hosts = hosts;
    this.allowInsecureHttp = allowInsecureHttp;
  }

  /**
   * The targets a builder's {@code host(..)} and {@code allowInsecureHttp(..)} calls describe.
   *
   * @param hosts host specs as {@link BearerHosts#of(Collection)} takes them
   * @throws IllegalStateException if {@code hosts} is empty: a bearer integration with no host would
   *     never send the token, which is never what its builder's caller meant
   * @throws IllegalArgumentException naming a malformed spec
   */
  public static BearerTargets of(Collection<String> hosts, boolean allowInsecureHttp) {
    Objects.requireNonNull(hosts, "hosts");
    if (hosts.isEmpty()) {
      throw new IllegalStateException("add at least one host(...) that gets the token");
    }
    return new BearerTargets(BearerHosts.of(hosts), allowInsecureHttp);
  }

  /**
   * Whether a request to {@code host} gets the token: only if it is one of the hosts (see
   * {@link BearerHosts#matches(String, String, int)}).
   *
   * @param scheme {@code http} or {@code https}
   * @param host the host as the request names it, with or without IPv6 brackets
   * @param port the port, or negative for the scheme's default
   * @throws CtcTokenException (unchecked) if it is one of the hosts but the token would cross the
   *     network over plain http (see {@link BearerHosts#mayCarryToken}) and plain http was not
   *     allowed; the message names scheme, host and port, never a path or a query
   */
  public boolean authorizes(String scheme, String host, int port) {
    if (!hosts.matches(scheme, host, port)) {
      return false;
    }
    if (!BearerHosts.mayCarryToken(scheme, host, allowInsecureHttp)) {
      String name = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
      throw BearerFailures.plainHttpRefused(scheme + "://" + name + (port >= 0 ? ":" + port : ""), HOW_TO_ALLOW);
    }
    return true;
  }

  /**
   * As {@link #authorizes(String, String, int)} for the absolute {@code uri}.
   *
   * @throws CtcTokenException as {@link #authorizes(String, String, int)}
   */
  public boolean authorizes(URI uri) {
    return authorizes(uri.getScheme(), uri.getHost(), uri.getPort());
  }

  /** {@code hosts=[api.ctcfile.com, 127.0.0.1:8080]}, and {@code , insecure http allowed} when it is. */
  @Override
  public String toString() {
    return "hosts=" + hosts + (allowInsecureHttp ? ", insecure http allowed" : "");
  }
}
