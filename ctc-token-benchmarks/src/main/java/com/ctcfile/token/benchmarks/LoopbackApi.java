package com.ctcfile.token.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A protected API on loopback that answers as fast as the JDK's HTTP server can: 200 with a tiny
 * body to {@code Authorization: Bearer <the expected token>}, 401 to anything else. It runs its
 * handler on the server's own dispatcher thread, so no thread hand-off adds noise to a throughput
 * comparison. Thread-safe; close it to free the port.
 *
 * <p>The JDK server waits for delayed ACKs unless {@code sun.net.httpserver.nodelay} is set before
 * its first use in the JVM, capping a keep-alive connection at about 25 requests per second; this
 * class sets it when loaded.
 */
final class LoopbackApi implements AutoCloseable {

  static {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  static final String PATH = "/api/protected";
  private static final byte[] OK = "{\"ok\":true}".getBytes(StandardCharsets.US_ASCII);

  private final HttpServer server;
  private final String expectedAuthorization;

  private LoopbackApi(HttpServer server, String expectedAuthorization) {
    this.server = server;
    this.expectedAuthorization = expectedAuthorization;
  }

  /** Starts serving on a free port of 127.0.0.1, accepting only {@code expectedAuthorization}. */
  static LoopbackApi start(String expectedAuthorization) {
    Objects.requireNonNull(expectedAuthorization, "expectedAuthorization");
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 128);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the loopback API", e);
    }
    LoopbackApi api = new LoopbackApi(http, expectedAuthorization);
    http.createContext(PATH, api::handle);
    http.start();
    return api;
  }

  /** {@code http://127.0.0.1:<port>/api/protected}. */
  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    boolean valid = expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"));
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    if (valid) {
      exchange.sendResponseHeaders(200, OK.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(OK);
      }
    } else {
      exchange.sendResponseHeaders(401, -1);
      exchange.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
