package com.ctcfile.token.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The token endpoint of a {@link FakeCtcServer}: checks credentials against the {@link KnownClients},
 * issues tokens into the ledger of the client they name, serves the queued {@link Fault}s (to whichever
 * client asks next) and counts what it did, per client and in total. Thread-safe: the server's threads
 * call {@link #handle} concurrently; counters are atomic.
 */
final class TokenEndpoint {

  static final String PATH = "/oauth/accesstoken";

  private static final int SLICE = 16 * 1024;
  private static final byte[] INVALID_CREDENTIALS = ReplyBodies.error(
      JsonText.quote(FakeCtcServer.ERRCODE_INVALID_CREDENTIALS), "invalid clientId or clientSecret")
      .getBytes(StandardCharsets.UTF_8);
  private static final byte[] MALFORMED_QUERY = ReplyBodies.error(
      JsonText.quote("40000"), "malformed query string").getBytes(StandardCharsets.UTF_8);
  // the head of a stalled reply: enough to show the body has begun, far from its end
  private static final int STALL_HEAD = 16;

  /** What the endpoint saw of one token request. */
  static final class SeenRequest {
    static final SeenRequest NONE = new SeenRequest("", "", Map.of(), Map.of());

    final String method;
    final String rawTarget;
    final Map<String, String> params;
    final Map<String, List<String>> headers;

    SeenRequest(String method, String rawTarget, Map<String, String> params, Map<String, List<String>> headers) {
      this.method = method;
      this.rawTarget = rawTarget;
      this.params = params;
      this.headers = headers;
    }
  }

  private final KnownClients clients;
  private final Duration tokenLifetime;
  private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Duration> lifetimes = new ConcurrentLinkedQueue<>();
  private final AtomicInteger fetches = new AtomicInteger();
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private final AtomicInteger tokenRequestsFinished = new AtomicInteger();
  private final AtomicLong lastReplyBytes = new AtomicLong();
  private volatile SeenRequest lastTokenRequest = SeenRequest.NONE;

  TokenEndpoint(KnownClients clients, Duration tokenLifetime) {
    this.clients = clients;
    this.tokenLifetime = tokenLifetime;
  }

  void enqueue(Fault fault) {
    faults.add(Objects.requireNonNull(fault, "fault"));
  }

  void enqueueLifetimes(List<Duration> next) {
    lifetimes.addAll(next);
  }

  int fetches() {
    return fetches.get();
  }

  int tokenRequests() {
    return tokenRequests.get();
  }

  int tokenRequestsFinished() {
    return tokenRequestsFinished.get();
  }

  long lastReplyBytesWritten() {
    return lastReplyBytes.get();
  }

  SeenRequest lastTokenRequest() {
    return lastTokenRequest;
  }

  void handle(HttpExchange exchange) throws IOException {
    try {
      URI target = exchange.getRequestURI();
      if (!PATH.equals(target.getRawPath())) {
        discardBody(exchange);
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      Map<String, String> params = decodeQuery(target.getRawQuery());
      lastTokenRequest = new SeenRequest(exchange.getRequestMethod(),
          target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery()),
          params == null ? Map.of() : params, copy(exchange.getRequestHeaders()));
      lastReplyBytes.set(0);
      tokenRequests.incrementAndGet();
      KnownClients.Client named = params == null ? null : clients.find(params.get("clientId"));
      if (named != null) {
        named.tokenRequests.incrementAndGet();
      }
      try {
        discardBody(exchange);
        Fault fault = faults.poll();
        if (fault == null) {
          serveToken(exchange, params);
        } else {
          serveFault(exchange, params, named, fault);
        }
      } finally {
        tokenRequestsFinished.incrementAndGet();
      }
    } catch (IOException clientGone) {
      // the client went away mid-reply; that is the client's business, and what some faults provoke
    } catch (InterruptedException closing) {
      Thread.currentThread().interrupt();
    } finally {
      exchange.close();
    }
  }

  private void serveToken(HttpExchange exchange, Map<String, String> params) throws IOException {
    if (!"GET".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "GET");
      exchange.sendResponseHeaders(405, -1);
      return;
    }
    if (params == null) {
      sendToken(exchange, 400, Fault.JSON, MALFORMED_QUERY, List.of());
      return;
    }
    KnownClients.Client client = clients.authenticate(params.get("clientId"), params.get("clientSecret"));
    if (client == null) {
      sendToken(exchange, 200, Fault.JSON, INVALID_CREDENTIALS, List.of());
      return;
    }
    Duration lifetime = nextLifetime();
    sendToken(exchange, 200, Fault.JSON, successBody(issue(client, client.ledger.issueNew(lifetime)), lifetime), List.of());
  }

  // the faults that issue a token without checking the credentials issue it to the client the request
  // names, or to the first client if it names none the server knows
  private void serveFault(HttpExchange exchange, Map<String, String> params, KnownClients.Client named, Fault fault)
      throws IOException, InterruptedException {
    KnownClients.Client target = named != null ? named : clients.first();
    switch (fault.kind()) {
      case REPLY:
        sendToken(exchange, fault.status(), fault.contentType(), fault.body(), fault.headers());
        break;
      case SUCCESS_WITH:
        serveSuccessWith(exchange, target, fault);
        break;
      case DELAY:
        // the client's connection is not watched: the token is issued even if the client gave up
        Thread.sleep(fault.duration().toMillis(), fault.duration().toNanosPart() % 1_000_000);
        serveToken(exchange, params);
        break;
      case HOLD:
        fault.release().await();
        serveToken(exchange, params);
        break;
      case DROP_CONNECTION:
        // closing before any header is written makes the JDK server drop the connection itself
        exchange.close();
        break;
      case HUGE_BODY:
        serveHugeBody(exchange, fault.bytes());
        break;
      case STALL_BODY:
        serveStalled(exchange, target, fault.duration());
        break;
      default:
        throw new IllegalStateException("unknown fault " + fault);
    }
  }

  private void serveSuccessWith(HttpExchange exchange, KnownClients.Client target, Fault fault) throws IOException {
    String generated = target.ledger.newValue();
    Duration lifetime = nextLifetime();
    LinkedHashMap<String, String> fields = ReplyBodies.merge(
        ReplyBodies.successFields(generated, expiresInSeconds(lifetime)), fault.overrides());
    String raw = fields.get("access_token");
    Optional<String> token = raw == null ? Optional.empty() : JsonText.stringValue(raw);
    if (token.isPresent() && !token.get().isEmpty()) {
      target.ledger.install(token.get(), lifetime);
      issue(target, token.get());
    }
    sendToken(exchange, 200, Fault.JSON, ReplyBodies.object(fields).getBytes(StandardCharsets.UTF_8), fault.headers());
  }

  private void serveHugeBody(HttpExchange exchange, long bytes) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", Fault.JSON);
    exchange.sendResponseHeaders(200, bytes == 0 ? -1 : 0);
    if (bytes == 0) {
      return;
    }
    byte[] slice = new byte[SLICE];
    Arrays.fill(slice, (byte) 'x');
    byte[] head = slice.clone();
    byte[] prefix = "{\"padding\":\"".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(prefix, 0, head, 0, prefix.length);
    try (OutputStream out = exchange.getResponseBody()) {
      long left = bytes;
      boolean first = true;
      while (left > 0) {
        int n = (int) Math.min(SLICE, left);
        // counted first: the client may read this slice and go away before write() returns, or throws
        lastReplyBytes.addAndGet(n);
        out.write(first ? head : slice, 0, n);
        first = false;
        left -= n;
      }
    }
  }

  private void serveStalled(HttpExchange exchange, KnownClients.Client target, Duration stall)
      throws IOException, InterruptedException {
    Duration lifetime = nextLifetime();
    byte[] body = successBody(issue(target, target.ledger.issueNew(lifetime)), lifetime);
    exchange.getResponseHeaders().set("Content-Type", Fault.JSON);
    exchange.sendResponseHeaders(200, body.length);
    OutputStream out = exchange.getResponseBody();
    // counted before the bytes can reach the client, so a client that has them sees the count
    lastReplyBytes.set(STALL_HEAD);
    out.write(body, 0, STALL_HEAD);
    out.flush();
    Thread.sleep(stall.toMillis(), stall.toNanosPart() % 1_000_000);
    lastReplyBytes.set(body.length);
    out.write(body, STALL_HEAD, body.length - STALL_HEAD);
    out.close();
  }

  private String issue(KnownClients.Client client, String token) {
    client.fetches.incrementAndGet();
    fetches.incrementAndGet();
    return token;
  }

  private static byte[] successBody(String token, Duration lifetime) {
    return ReplyBodies.object(ReplyBodies.successFields(token, expiresInSeconds(lifetime)))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static long expiresInSeconds(Duration lifetime) {
    return lifetime.getSeconds() + (lifetime.getNano() > 0 ? 1 : 0);
  }

  // the lifetime of the token the current fetch issues: the next one queued, else the configured one
  private Duration nextLifetime() {
    Duration queued = lifetimes.poll();
    return queued != null ? queued : tokenLifetime;
  }

  private void sendToken(HttpExchange exchange, int status, String contentType, byte[] body, List<String[]> headers)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Vary", "Accept");
    for (String[] header : headers) {
      exchange.getResponseHeaders().add(header[0], header[1]);
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length == 0) {
      return;
    }
    try (OutputStream out = exchange.getResponseBody()) {
      for (int offset = 0; offset < body.length; offset += SLICE) {
        int n = Math.min(SLICE, body.length - offset);
        // counted first: with a Content-Length the client may have the whole body before write() returns
        lastReplyBytes.addAndGet(n);
        out.write(body, offset, n);
      }
    }
  }

  /** The parameters of a raw query, or null if it is not valid percent-encoding. */
  static Map<String, String> decodeQuery(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return Collections.unmodifiableMap(params);
    }
    try {
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        params.putIfAbsent(name, value);
      }
    } catch (IllegalArgumentException malformed) {
      return null;
    }
    return Collections.unmodifiableMap(params);
  }

  private static Map<String, List<String>> copy(Map<String, List<String>> headers) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    return Collections.unmodifiableMap(copy);
  }

  private static void discardBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }
}
