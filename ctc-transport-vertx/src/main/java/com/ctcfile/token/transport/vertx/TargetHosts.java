package com.ctcfile.token.transport.vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The hosts the token may be sent to, as configured with {@link CtcBearerAuth.Builder#host(String)}:
 * each a host name or IP literal, compared case-insensitively and literally (no DNS), optionally with
 * a port that must then match too. Immutable and thread-safe.
 */
final class TargetHosts {

  private static final int ANY_PORT = -1;

  private final List<Entry> entries;

  private TargetHosts(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** The set of {@code specs}, each validated by {@link #parse(String)}. */
  static TargetHosts of(List<String> specs) {
    List<Entry> parsed = new ArrayList<>(specs.size());
    for (String spec : specs) {
      parsed.add(parse(spec));
    }
    return new TargetHosts(parsed);
  }

  /**
   * Whether a request to {@code host} on {@code port} may carry the token.
   *
   * @param host the host as the request names it, with or without IPv6 brackets; {@code null} never matches
   * @param port the port, or {@code null} or negative for the scheme's default
   * @param ssl whether the request goes over TLS, which decides the default port
   */
  boolean matches(String host, Integer port, boolean ssl) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    String name = normalize(host);
    int effectivePort = port == null || port < 0 ? (ssl ? 443 : 80) : port;
    for (Entry entry : entries) {
      if (entry.host.equals(name) && (entry.port == ANY_PORT || entry.port == effectivePort)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code host} is a loopback name or address, where plain http never leaves the machine. */
  static boolean isLoopback(String host) {
    String h = normalize(host);
    return h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
        || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  @Override
  public String toString() {
    List<String> shown = new ArrayList<>(entries.size());
    for (Entry entry : entries) {
      String host = entry.host.indexOf(':') >= 0 ? "[" + entry.host + "]" : entry.host;
      shown.add(entry.port == ANY_PORT ? host : host + ":" + entry.port);
    }
    return shown.toString();
  }

  /**
   * Parses {@code api.ctcfile.com}, {@code 127.0.0.1:8080}, {@code [::1]:8443} or a bare IPv6
   * literal.
   *
   * @throws IllegalArgumentException naming what is wrong, e.g. for a URL instead of a host
   * @throws NullPointerException if {@code spec} is null
   */
  static Entry parse(String spec) {
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
    String host;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("unclosed [ in IPv6 host: " + spec);
      }
      host = s.substring(1, close);
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
        host = s; // several colons: an IPv6 literal without brackets, hence without a port
      } else if (colon >= 0) {
        host = s.substring(0, colon);
        port = s.substring(colon + 1);
      } else {
        host = s;
      }
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host name missing: " + spec);
    }
    return new Entry(normalize(host), port == null ? ANY_PORT : parsePort(port, spec));
  }

  private static int parsePort(String port, String spec) {
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("port must be a number 1..65535: " + spec);
    }
    int value = Integer.parseInt(port);
    if (value < 1 || value > 65535) {
      throw new IllegalArgumentException("port must be a number 1..65535: " + spec);
    }
    return value;
  }

  private static String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    // "api.ctcfile.com." with the root dot names the same host
    if (h.length() > 1 && h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  /** One configured host; {@code port} is {@link #ANY_PORT} when none was given. */
  static final class Entry {
    final String host;
    final int port;

    Entry(String host, int port) {
      this.host = host;
      this.port = port;
    }
  }
}
