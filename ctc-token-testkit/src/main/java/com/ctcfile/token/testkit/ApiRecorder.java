package com.ctcfile.token.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * An API host for the bearer contract, on a loopback address of its choice: records every request
 * (method, path, headers, body), answers {@code /redirect?to=<url>} with a 302 to that URL, and any
 * other path with 200 {@code recorded}, or, if it was given the current token, with 401 to any other
 * bearer. Thread-safe.
 */
final class ApiRecorder implements AutoCloseable {

  /** One request as received; header names in lower case, first value each. */
  record Seen(String method, String path, Map<String, String> headers, String body) {
    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }
  }

  private final HttpServer http;
  private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "api-recorder");
    thread.setDaemon(true);
    return thread;
  });
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Supplier<Optional<String>> currentToken;

  private ApiRecorder(String address, Supplier<Optional<String>> currentToken) {
    this.currentToken = currentToken;
    try {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind an API recorder to " + address, e);
    }
    http.setExecutor(threads);
    http.createContext("/", this::handle);
    http.start();
  }

  /** A host that answers 200 to everything but redirects. */
  static ApiRecorder open(String address) {
    return new ApiRecorder(address, null);
  }

  /** A host that, like the CTC API, answers 401 to every bearer but {@code currentToken}'s. */
  static ApiRecorder checkingTokens(String address, Supplier<Optional<String>> currentToken) {
    return new ApiRecorder(address, currentToken);
  }

  String host() {
    return http.getAddress().getAddress().getHostAddress();
  }

  int port() {
    return http.getAddress().getPort();
  }

  /** {@code host:port}, what a bearer integration's host setting takes. */
  String hostAndPort() {
    return host() + ":" + port();
  }

  URI uri(String path) {
    return URI.create("http://" + hostAndPort() + path);
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** The Authorization header of each request so far, {@code none} where there was none. */
  List<String> authorizations() {
    return seen.stream().map(s -> s.header("Authorization").orElse("none")).toList();
  }

  @Override
  public void close() {
    http.stop(0);
    threads.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Map<String, String> headers = new TreeMap<>();
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
      URI uri = exchange.getRequestURI();
      seen.add(new Seen(exchange.getRequestMethod(), uri.getRawPath(), Map.copyOf(headers), body));
      String query = uri.getRawQuery();
      if (uri.getRawPath().equals("/redirect") && query != null && query.startsWith("to=")) {
        exchange.getResponseHeaders().set("Location", URLDecoder.decode(query.substring(3), StandardCharsets.UTF_8));
        exchange.sendResponseHeaders(302, -1);
        return;
      }
      boolean rejected = currentToken != null && !currentToken.get()
          .map(token -> ("Bearer " + token).equals(headers.get("authorization"))).orElse(false);
      byte[] reply = (rejected ? "{\"errcode\":\"" + FakeCtcServer.ERRCODE_INVALID_TOKEN + "\"}" : "recorded")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", rejected ? "application/json" : "text/plain");
      exchange.sendResponseHeaders(rejected ? 401 : 200, reply.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(reply);
      }
    }
  }
}
