package com.ctcfile.token.transport.vertx;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A Vert.x HTTP server on loopback for the bearer tests: records every request it gets (headers and
 * body) and answers what its {@link Behaviour} says, for example 200 to one token and 401 to any
 * other, or a redirect to another server. Thread-safe.
 */
final class RecordingServer implements AutoCloseable {

  /** What the server saw of one request. */
  record Seen(String method, String uri, MultiMap headers, String body) {
    Optional<String> authorization() {
      return Optional.ofNullable(headers.get("Authorization"));
    }
  }

  /** How the server answers a request. */
  record Reply(int status, String body, String location) {
    static Reply ok(String body) {
      return new Reply(200, body, null);
    }

    static Reply unauthorized() {
      return new Reply(401, "{\"errcode\":\"40001\",\"errmsg\":\"invalid access_token\"}", null);
    }

    static Reply redirect(String location) {
      return new Reply(302, "", location);
    }
  }

  /** Decides the reply to a request; {@code null} leaves the request unanswered. */
  interface Behaviour extends Function<Seen, Reply> {}

  private final HttpServer server;
  private final List<Seen> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger openConnections = new AtomicInteger();
  private final AtomicInteger closedConnections = new AtomicInteger();

  private RecordingServer(HttpServer server) {
    this.server = server;
  }

  /** Starts a server on 127.0.0.1 and a free port. */
  static RecordingServer start(Vertx vertx, Behaviour behaviour) {
    return start(vertx, "127.0.0.1", behaviour);
  }

  /** Starts a server on {@code bindAddress} and a free port. */
  static RecordingServer start(Vertx vertx, String bindAddress, Behaviour behaviour) {
    Objects.requireNonNull(behaviour, "behaviour");
    HttpServer http = vertx.createHttpServer(new HttpServerOptions().setHost(bindAddress).setPort(0));
    RecordingServer recording = new RecordingServer(http);
    http.connectionHandler(connection -> {
      recording.openConnections.incrementAndGet();
      connection.closeHandler(closed -> {
        recording.openConnections.decrementAndGet();
        recording.closedConnections.incrementAndGet();
      });
    });
    http.requestHandler(request -> recording.serve(request, behaviour));
    http.listen().await();
    return recording;
  }

  private void serve(HttpServerRequest request, Behaviour behaviour) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
    request.body().onSuccess(body -> {
      Seen seen = new Seen(request.method().name(), request.uri(), headers, body.toString());
      requests.add(seen);
      Reply reply = behaviour.apply(seen);
      if (reply == null) {
        return;
      }
      request.response().setStatusCode(reply.status()).putHeader("Content-Type", "application/json");
      if (reply.location() != null) {
        request.response().putHeader("Location", reply.location());
      }
      request.response().end(reply.body());
    });
  }

  int port() {
    return server.actualPort();
  }

  /** {@code 127.0.0.1:<port>}, what {@code CtcBearerAuth.Builder#host} takes. */
  String hostAndPort() {
    return "127.0.0.1:" + port();
  }

  String url(String path) {
    return "http://" + hostAndPort() + path;
  }

  List<Seen> requests() {
    return List.copyOf(requests);
  }

  int openConnections() {
    return openConnections.get();
  }

  int closedConnections() {
    return closedConnections.get();
  }

  @Override
  public void close() {
    server.close().await();
  }
}
