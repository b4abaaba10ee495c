package com.ctcfile.token.transport.httpclient5;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.hc.core5.http.HttpHost;

/**
 * The hosts a token may be sent to: each a host name or IP literal, compared case-insensitively,
 * optionally with a port that must then match too. Immutable.
 */
final class TargetHosts {

  private static final int ANY_PORT = -1;

  private final List<Entry> entries;

  private TargetHosts(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** Builds the set from specs such as {@code api.ctcfile.com}, {@code 127.0.0.1:8080} or {@code [::1]:8443}. */
  static TargetHosts of(List<String> specs) {
    List<Entry> entries = new ArrayList<>();
    for (String spec : specs) {
      entries.add(parse(spec));
    }
    return new TargetHosts(entries);
  }

  /** Validates one spec, failing with {@link IllegalArgumentException} that says what is wrong. */
  static void validate(String spec) {
    parse(spec);
  }

  /** Whether a request to {@code target} may carry the token; its port -1 means the scheme's default. */
  boolean matches(HttpHost target) {
    String host = normalize(target.getHostName());
    int port = effectivePort(target);
    for (Entry entry : entries) {
      if (entry.host.equals(host) && (entry.port == ANY_PORT || entry.port == port)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code target}'s host is a loopback name or address, where plain http never leaves the machine. */
  static boolean isLoopback(HttpHost target) {
    String h = normalize(target.getHostName());
    return h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
        || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  @Override
  public String toString() {
    List<String> shown = new ArrayList<>();
    for (Entry entry : entries) {
      String host = entry.host.indexOf(':') >= 0 ? "[" + entry.host + "]" : entry.host;
      shown.add(entry.port == ANY_PORT ? host : host + ":" + entry.port);
    }
    return shown.toString();
  }

  private static int effectivePort(HttpHost target) {
    if (target.getPort() >= 0) {
      return target.getPort();
    }
    return "https".equalsIgnoreCase(target.getSchemeName()) ? 443 : 80;
  }

  private static String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    // a fully qualified name with its root dot names the same host
    if (h.endsWith(".") && h.length() > 1) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  private static Entry parse(String spec) {
    Objects.requireNonNull(spec, "host");
    String s = spec.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (s.contains("/") || s.contains("@") || s.contains("?") || s.contains("#") || s.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("host must be a host name or address with an optional port, like"
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
        host = s; // a bare IPv6 literal, no port
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

  private static final class Entry {
    final String host;
    final int port;

    Entry(String host, int port) {
      this.host = host;
      this.port = port;
    }
  }
}
