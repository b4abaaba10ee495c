package com.ctcfile.token.core;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The hosts a bearer integration may send the token to, shared by every transport module so all of
 * them decide alike: each a host name or IP literal, compared literally (no DNS, so {@code localhost}
 * and {@code 127.0.0.1} differ) and case-insensitively, a trailing root dot ignored, optionally with a
 * port that must then match too; a request without a port has its scheme's default. Immutable and
 * thread-safe.
 */
public final class BearerHosts {

  private static final int ANY_PORT = -1;
  // compiled once: bearer integrations ask for every plain-http request
  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  private final List<Host> hosts;

  private BearerHosts(List<Host> hosts) {
    this.hosts = List.copyOf(hosts);
  }

  /**
   * The hosts of {@code specs} such as {@code api.ctcfile.com}, {@code 127.0.0.1:8080},
   * {@code [::1]:8443} or a bare IPv6 literal.
   *
   * @throws IllegalArgumentException naming what is wrong with a spec, e.g. a URL instead of a host
   */
  public static BearerHosts of(Collection<String> specs) {
    List<Host> parsed = new ArrayList<>(specs.size());
    for (String spec : specs) {
      parsed.add(parse(spec));
    }
    return new BearerHosts(parsed);
  }

  /** The one host of {@code endpoint}, with its explicit port or its scheme's default. */
  public static BearerHosts of(URI endpoint) {
    Objects.requireNonNull(endpoint.getHost(), "endpoint has no host");
    return new BearerHosts(List.of(new Host(normalize(endpoint.getHost()), port(endpoint.getScheme(), endpoint.getPort()))));
  }

  /** Checks one spec as {@link #of(Collection)} would, failing with {@link IllegalArgumentException}. */
  public static void validate(String spec) {
    parse(spec);
  }

  public boolean isEmpty() {
    return hosts.isEmpty();
  }

  /**
   * Whether a request to {@code host} may carry the token.
   *
   * @param scheme {@code http} or {@code https}, which decides the default port
   * @param host the host as the request names it, with or without IPv6 brackets; {@code null} never matches
   * @param port the port, or negative for the scheme's default
   */
  public boolean matches(String scheme, String host, int port) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    String name = normalize(host);
    int effective = port(scheme, port);
    for (Host candidate : hosts) {
      if (candidate.name.equals(name) && (candidate.port == ANY_PORT || candidate.port == effective)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a request to the absolute {@code uri} may carry the token. */
  public boolean matches(URI uri) {
    return matches(uri.getScheme(), uri.getHost(), uri.getPort());
  }

  /** Whether {@code host} is a loopback name or address, where plain http never leaves the machine. */
  public static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h = normalize(host);
    return h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
        || IPV4_LOOPBACK.matcher(h).matches();
  }

  /**
   * Whether the token may travel to {@code host} over {@code scheme}: always over https, over plain
   * http only to loopback or when {@code allowInsecureHttp} says so.
   */
  public static boolean mayCarryToken(String scheme, String host, boolean allowInsecureHttp) {
    return "https".equalsIgnoreCase(scheme) || allowInsecureHttp || isLoopback(host);
  }

  @Override
  public String toString() {
    List<String> shown = new ArrayList<>(hosts.size());
    for (Host host : hosts) {
      String name = host.name.indexOf(':') >= 0 ? "[" + host.name + "]" : host.name;
      shown.add(host.port == ANY_PORT ? name : name + ":" + host.port);
    }
    return shown.toString();
  }

  private static int port(String scheme, int port) {
    if (port >= 0) {
      return port;
    }
    return "https".equalsIgnoreCase(scheme) ? 443 : 80;
  }

  private static String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    // "api.ctcfile.com." with the root dot names the same host
    return h.length() > 1 && h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  private static Host parse(String spec) {
    Objects.requireNonNull(spec, "host");
    String s = spec.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (s.contains("/") || s.contains("@") || s.contains("?") || s.contains("#")
        || s.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("host must be a host name or address with an optional port, such as"
          + " api.ctcfile.com or 127.0.0.1:8080, not a URL: " + spec);
    }
    String name;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("unclosed [ in IPv6 host: " + spec);
      }
      name = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException("unexpected text after IPv6 host: " + spec);
        }
        port = rest.substring(1);
      }
    } else {
      int colon = s.indexOf(':');
      if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
        name = s; // several colons: an IPv6 literal without brackets, hence without a port
      } else if (colon >= 0) {
        name = s.substring(0, colon);
        port = s.substring(colon + 1);
      } else {
        name = s;
      }
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException("host name missing: " + spec);
    }
    return new Host(normalize(name), port == null ? ANY_PORT : parsePort(port, spec));
  }

  private static int parsePort(String port, String spec) {
    boolean digits = !port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9');
    if (!digits || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException("port must be a number 1..65535: " + spec);
    }
    return Integer.parseInt(port);
  }

  private static final class Host {
    final String name;
    final int port;

    Host(String name, int port) {
      this.name = name;
      this.port = port;
    }
  }
}
