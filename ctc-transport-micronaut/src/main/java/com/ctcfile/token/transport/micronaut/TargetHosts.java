package com.ctcfile.token.transport.micronaut;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Hosts the token may go to, each a name or IP literal with an optional port that must then match
 * too. Names are compared literally and case-insensitively: no DNS, so {@code localhost} and
 * {@code 127.0.0.1} differ. Immutable.
 */
final class TargetHosts {

  private static final int ANY_PORT = -1;

  private final List<Host> hosts;

  private TargetHosts(List<Host> hosts) {
    this.hosts = List.copyOf(hosts);
  }

  /** From specs such as {@code api.ctcfile.com}, {@code 127.0.0.1:8080} or {@code [::1]:8443}. */
  static TargetHosts of(List<String> specs) {
    List<Host> hosts = new ArrayList<>();
    for (String spec : specs) {
      hosts.add(parse(spec));
    }
    return new TargetHosts(hosts);
  }

  /** The one host of {@code endpoint}, with its port (explicit or its scheme's default). */
  static TargetHosts endpointHost(URI endpoint) {
    return new TargetHosts(List.of(new Host(normalize(endpoint.getHost()), effectivePort(endpoint))));
  }

  /** Fails with an {@link IllegalArgumentException} saying what is wrong with {@code spec}. */
  static void validate(String spec) {
    parse(spec);
  }

  boolean isEmpty() {
    return hosts.isEmpty();
  }

  /** Whether a request to {@code uri} (absolute) may carry the token. */
  boolean matches(URI uri) {
    if (uri.getHost() == null) {
      return false;
    }
    String host = normalize(uri.getHost());
    int port = effectivePort(uri);
    for (Host candidate : hosts) {
      if (candidate.name.equals(host) && (candidate.port == ANY_PORT || candidate.port == port)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code uri}'s host is loopback, where plain http never leaves the machine. */
  static boolean isLoopback(URI uri) {
    String h = uri.getHost() == null ? "" : normalize(uri.getHost());
    return h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
        || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  @Override
  public String toString() {
    List<String> shown = new ArrayList<>();
    for (Host host : hosts) {
      String name = host.name.indexOf(':') >= 0 ? "[" + host.name + "]" : host.name;
      shown.add(host.port == ANY_PORT ? name : name + ":" + host.port);
    }
    return shown.toString();
  }

  private static int effectivePort(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private static String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    // a fully qualified name with its root dot names the same host
    return h.endsWith(".") && h.length() > 1 ? h.substring(0, h.length() - 1) : h;
  }

  private static Host parse(String spec) {
    Objects.requireNonNull(spec, "host");
    String s = spec.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("must not contain a blank host");
    }
    if (s.contains("/") || s.contains("@") || s.contains("?") || s.contains("#")
        || s.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("must be host names or addresses with an optional port, such as"
          + " api.ctcfile.com or 127.0.0.1:8080, not URLs: " + spec);
    }
    String name;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("has an unclosed [ in an IPv6 host: " + spec);
      }
      name = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException("has text after an IPv6 host: " + spec);
        }
        port = rest.substring(1);
      }
    } else {
      int colon = s.indexOf(':');
      if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
        name = s; // a bare IPv6 literal, no port
      } else if (colon >= 0) {
        name = s.substring(0, colon);
        port = s.substring(colon + 1);
      } else {
        name = s;
      }
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException("has a port without a host: " + spec);
    }
    return new Host(normalize(name), port == null ? ANY_PORT : parsePort(port, spec));
  }

  private static int parsePort(String port, String spec) {
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')
        || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException("has a port that is not a number 1..65535: " + spec);
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
