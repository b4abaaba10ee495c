package com.ctcfile.token.transport.jdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A plain HTTP server on 127.0.0.1 that records every request: a second host that must never see
 * the token, a configured host that redirects or rejects on demand, or an HTTP proxy (a client sends
 * it the absolute URI of any host, with no DNS lookup), so that tests can use host names of their
 * own. Answers 200 {@code recorded} unless told otherwise. Thread-safe.
 */
final class RecordingServer implements AutoCloseable {

  /** The header the tests send to show that a replay keeps the request's headers. */
  static final String ORDER_HEADER = "X-Order-Id";

  /**
   * One request as received: {@code target} is the request line's URI, absolute when sent to a proxy;
   * {@code authorization} and {@code orderId} are null when absent.
   */
  record Seen(String method, String target, String authorization, String orderId, String body) {}

  private final HttpServer http;
  private final ExecutorService threads = Executors.newFixedThreadPool(8, task -> {
    Thread thread = new Thread(task, "recording-server");
    thread.setDaemon(true);
    return thread;
  });
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final AtomicInteger rejectNext = new AtomicInteger();
  private volatile URI redirectTo;

  private RecordingServer() {
    try {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    http.setExecutor(threads);
    http.createContext("/", this::handle);
    http.start();
  }

  static RecordingServer start() {
    return new RecordingServer();
  }

  int port() {
    return http.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:<port><path>}. */
  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  /** From now on every request is answered {@code 302 Found} to {@code target}. */
  void redirectTo(URI target) {
    this.redirectTo = target;
  }

  /** The next {@code n} requests are answered 401, like an API rejecting a token. */
  void rejectNext(int n) {
    rejectNext.set(n);
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** As a proxy for {@code HttpClient.Builder.proxy(..)}. */
  ProxySelector asProxy() {
    return ProxySelector.of(http.getAddress());
  }

  /** The Authorization header of each request so far, "none" for a request without. */
  List<String> authorizations() {
    return seen.stream().map(s -> s.authorization() == null ? "none" : s.authorization()).collect(Collectors.toList());
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
      seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
          exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestHeaders().getFirst(ORDER_HEADER),
          body));
      URI target = redirectTo;
      if (target != null) {
        exchange.getResponseHeaders().set("Location", target.toString());
        exchange.sendResponseHeaders(302, -1);
        return;
      }
      boolean reject = rejectNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
      byte[] reply = (reject ? "{\"errcode\":\"40001\"}" : "recorded").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(reject ? 401 : 200, reply.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(reply);
      }
    }
  }
}
