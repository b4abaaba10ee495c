package com.ctcfile.token.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The protected API of a {@link FakeCtcServer}: any method on any path under {@link #PATH} answers
 * 200 to the bearer of a token the {@link TokenLedger} accepts and 401 to anything else, and counts
 * both. Thread-safe.
 */
final class ProtectedApi {

  static final String PATH = "/api/";

  private static final byte[] OK = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] INVALID_TOKEN = ("{\"errcode\":\"" + FakeCtcServer.ERRCODE_INVALID_TOKEN
      + "\",\"errmsg\":\"invalid access_token\"}").getBytes(StandardCharsets.UTF_8);

  private final TokenLedger ledger;
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger rejected = new AtomicInteger();
  private volatile boolean rejectEveryToken;

  ProtectedApi(TokenLedger ledger) {
    this.ledger = ledger;
  }

  int accepted() {
    return accepted.get();
  }

  int rejected() {
    return rejected.get();
  }

  void rejectEveryToken(boolean on) {
    this.rejectEveryToken = on;
  }

  void handle(HttpExchange exchange) throws IOException {
    try {
      discardBody(exchange);
      boolean valid = !rejectEveryToken && bearerToken(exchange).map(ledger::accepts).orElse(false);
      (valid ? accepted : rejected).incrementAndGet();
      exchange.getResponseHeaders().set("Content-Type", Fault.JSON);
      if (!valid) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      }
      byte[] body = valid ? OK : INVALID_TOKEN;
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(valid ? 200 : 401, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (IOException clientGone) {
      // nothing to tell a client that has left
    } finally {
      exchange.close();
    }
  }

  private static Optional<String> bearerToken(HttpExchange exchange) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization == null || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    return Optional.of(authorization.substring(7).trim());
  }

  private static void discardBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }
}
