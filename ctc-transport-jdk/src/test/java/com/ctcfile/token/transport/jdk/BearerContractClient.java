package com.ctcfile.token.transport.jdk;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.testkit.BearerIntegrationContractTest.Body;
import com.ctcfile.token.testkit.BearerIntegrationContractTest.Client;
import com.ctcfile.token.testkit.BearerIntegrationContractTest.Reply;
import com.ctcfile.token.testkit.BearerIntegrationContractTest.Setup;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The bearer contract's {@link Client} on a {@link CtcBearerHttpClient} that wraps a JDK client with
 * the JDK's defaults (redirects not followed), sending through {@code send} or {@code sendAsync} as
 * its {@link Sender} says. A repeatable body is published with {@code ofString}, a one-shot body with
 * {@code ofInputStream}. The contract's names resolve to 127.0.0.1 through the test JVM's hosts file
 * (see this module's pom).
 */
final class BearerContractClient implements Client {

  /** How the test class calls the client: what it returns or throws is what its caller sees. */
  interface Sender {
    HttpResponse<String> send(CtcBearerHttpClient http, HttpRequest request) throws Exception;
  }

  private final CtcBearerHttpClient http;
  private final Sender sender;

  private BearerContractClient(CtcBearerHttpClient http, Sender sender) {
    this.http = http;
    this.sender = sender;
  }

  /** A client configured as {@code setup} says, taking its tokens from {@code tokens}. */
  static Client open(TokenProvider tokens, Setup setup, Sender sender) {
    CtcBearerHttpClient.Builder bearer = CtcBearerHttpClient.builder(tokens).allowInsecureHttp(setup.allowInsecureHttp());
    setup.hosts().forEach(bearer::host);
    return new BearerContractClient(bearer.build(HttpClient.newHttpClient()), sender);
  }

  @Override
  public Reply send(String method, URI uri, Map<String, String> headers, Body body, String content) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri);
    headers.forEach(request::header);
    if (body == Body.NONE) {
      request.method(method, BodyPublishers.noBody());
    } else {
      byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
      request.header("Content-Type", "application/json").method(method, body == Body.REPEATABLE
          ? BodyPublishers.ofString(content)
          : BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)));
    }
    HttpResponse<String> response = sender.send(http, request.build());
    return new Reply(response.statusCode(), response.body());
  }

  // the wrapped JDK client has nothing to close on Java 17; its selector thread ends once it is collected
  @Override
  public void close() {}
}
