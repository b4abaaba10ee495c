package com.ctcfile.token.transport.micronaut;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A plain HTTP server on loopback that records the {@code Authorization} header of every request:
 * the stand-in for a host that is not CTC. {@code /redirect?to=<url>} answers 302 to that URL; any
 * other path answers 200 {@code {"ok":true}}.
 */
final class RecordingServer implements AutoCloseable {

  private final HttpServer server;
  private final List<Optional<String>> authorizations = new CopyOnWriteArrayList<>();

  private RecordingServer(HttpServer server) {
    this.server = server;
  }

  static RecordingServer start() {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 16);
      RecordingServer recording = new RecordingServer(http);
      http.setExecutor(Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "recording-server");
        thread.setDaemon(true);
        return thread;
      }));
      http.createContext("/", recording::handle);
      http.start();
      return recording;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** The Authorization header of each request received, in order; empty where there was none. */
  List<Optional<String>> authorizations() {
    return List.copyOf(authorizations);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
      authorizations.add(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")));
      String query = exchange.getRequestURI().getRawQuery();
      if (exchange.getRequestURI().getPath().equals("/redirect") && query != null && query.startsWith("to=")) {
        exchange.getResponseHeaders().set("Location",
            java.net.URLDecoder.decode(query.substring(3), StandardCharsets.UTF_8));
        exchange.sendResponseHeaders(302, -1);
        return;
      }
      byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
