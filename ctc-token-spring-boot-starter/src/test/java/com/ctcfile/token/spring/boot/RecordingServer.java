package com.ctcfile.token.spring.boot;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A loopback HTTP server for the starter's own tests: records each request (method, path,
 * Authorization, Content-Type, body) and answers as its handler says. Thread-safe.
 */
final class RecordingServer implements AutoCloseable {

  record Seen(String method, String path, String authorization, String contentType, String body) {}

  record Answer(int status, String location) {
    static Answer ok() {
      return new Answer(200, null);
    }
  }

  private final HttpServer http;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  RecordingServer(Function<Seen, Answer> handler) throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    http.createContext("/", exchange -> answer(exchange, handler));
    http.start();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + path);
  }

  String hostAndPort() {
    return "127.0.0.1:" + http.getAddress().getPort();
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  private void answer(HttpExchange exchange, Function<Seen, Answer> handler) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      Seen request = new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          authorization == null ? "none" : authorization, exchange.getRequestHeaders().getFirst("Content-Type"), body);
      seen.add(request);
      Answer answer = handler.apply(request);
      if (answer.location() != null) {
        exchange.getResponseHeaders().set("Location", answer.location());
      }
      byte[] reply = "recorded".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), reply.length);
      exchange.getResponseBody().write(reply);
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
