package com.ctcfile.token.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.TokenProtocolException;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import com.ctcfile.token.testkit.Fault;
import com.ctcfile.token.testkit.FakeCtcServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Neither the client secret nor a whole token shows in anything the Vert.x integration, core, Vert.x
 * or Netty print or log while fetches fail (wrong secret, HTTP 500, malformed JSON, refused
 * connection, timeout, oversized body) and while the bearer heals and returns 401s, nor in any
 * exception's message, {@code toString()}, cause or suppressed exception.
 *
 * <p>Captured: {@code System.out} and {@code System.err}, and every JUL record at every level from
 * the root logger down, which is where Vert.x and Netty log by default and where the JDK sends
 * {@link System.Logger} output. The one logger left above {@code DEBUG} is the JDK HTTP server's,
 * which belongs to the fake server and logs each request line it receives, query included.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecretHygieneTest {

  private static final String CLIENT_ID = "hygiene-client";
  private static final String SECRET = "Hyg/S3cr&t=+%?\u00fc\u79d8\u5bc6-x";
  private static final String SECRET_MARKER = "S3cr";

  // held here: JUL keeps loggers weakly
  private final Logger root = Logger.getLogger("");
  private final Logger jdkHttpServer = Logger.getLogger("com.sun.net.httpserver");
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final List<String> logged = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> tokens = Collections.synchronizedSet(new LinkedHashSet<>());
  private final List<Throwable> failures = new ArrayList<>();
  // toString() of what a user might print: managers, responses, the integration itself
  private final List<String> shown = new ArrayList<>();
  private final Handler capture = new Handler() {
    private final SimpleFormatter format = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
      logged.add(format.format(record));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private PrintStream originalOut;
  private PrintStream originalErr;
  private Level originalRootLevel;
  private Level originalServerLevel;
  private Vertx vertx;
  private FakeCtcServer server;

  @BeforeEach
  void capture() {
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(new Tee(originalOut, printed), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(originalErr, printed), true, StandardCharsets.UTF_8));
    originalRootLevel = root.getLevel();
    originalServerLevel = jdkHttpServer.getLevel();
    capture.setLevel(Level.ALL);
    root.addHandler(capture);
    root.setLevel(Level.ALL);
    jdkHttpServer.setLevel(Level.INFO);

    vertx = Vertx.vertx();
    server = FakeCtcServer.builder().clientId(CLIENT_ID).clientSecret(SECRET).build().start();
  }

  @AfterEach
  void release() {
    try {
      server.close();
      vertx.close().await();
    } finally {
      root.removeHandler(capture);
      root.setLevel(originalRootLevel);
      jdkHttpServer.setLevel(originalServerLevel);
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }

  @Test
  @DisplayName("no secret and no token in output, logs or exceptions across failing fetches and the bearer's 401 handling")
  void neverShowsTheSecretOrAToken() {
    failures.add(failingFetch(server.endpoint(), SECRET_MARKER + "-wrong", null, Duration.ofSeconds(5)));
    failures.add(failingFetch(server.endpoint(), SECRET, Fault.reply(500, "{\"error\":\"boom\"}"), Duration.ofSeconds(5)));
    failures.add(failingFetch(server.endpoint(), SECRET, Fault.reply(200, "{not json"), Duration.ofSeconds(5)));
    failures.add(failingFetch(URI.create("http://127.0.0.1:" + deadPort()), SECRET, null, Duration.ofSeconds(5)));
    failures.add(failingFetch(server.endpoint(), SECRET, Fault.delay(Duration.ofSeconds(30)), Duration.ofMillis(300)));
    failures.add(failingFetch(server.endpoint(), SECRET, Fault.hugeBody(1024 * 1024), Duration.ofSeconds(5)));
    assertThat(failures).extracting(Object::getClass).map(Class.class::cast).containsExactly(
        CtcApiException.class, TokenTransportException.class, TokenProtocolException.class,
        TokenTransportException.class, TokenTransportException.class, TokenProtocolException.class);

    bearerHealsAndReturns401s();
    System.getLogger(SecretHygieneTest.class.getName()).log(System.Logger.Level.DEBUG, "system-logger-reaches-capture");

    assertThat(failures.get(6)).isInstanceOf(com.ctcfile.token.RenewalRateLimitedException.class);
    assertThat(tokens).as("tokens issued during the test").hasSizeGreaterThanOrEqualTo(4);
    String everything = new String(printed.toByteArray(), StandardCharsets.UTF_8) + String.join("\n", logged)
        + String.join("\n", shown);
    assertThat(everything).as("the capture works: core's fetch warnings and System.Logger output are in it")
        .contains("token fetch", "system-logger-reaches-capture");
    for (String secret : secretForms()) {
      assertThat(everything).as("output and logs").doesNotContain(secret);
    }
    for (String token : tokens) {
      assertThat(everything).as("output and logs").doesNotContain(token);
    }
    assertThat(failures).hasSize(7);
    for (Throwable failure : failures) {
      assertClean(failure);
    }
  }

  @Test
  @DisplayName("the transport's own failures and logs are clean before core's redaction sees them")
  void transportFailuresAreCleanOnTheirOwn() throws Exception {
    URI uri = com.ctcfile.token.core.wire.TokenRequestUri.of(server.endpoint(), CLIENT_ID, SECRET);
    URI dead = com.ctcfile.token.core.wire.TokenRequestUri.of(URI.create("http://127.0.0.1:" + deadPort()), CLIENT_ID, SECRET);
    try (VertxTransport transport = VertxTransport.create(vertx)) {
      // late and stalled replies are core's to time out: see the fetches through a manager above
      failures.add(sendFailure(transport, dead, Duration.ofSeconds(5)));
      server.enqueue(Fault.dropConnection());
      failures.add(sendFailure(transport, uri, Duration.ofSeconds(5)));
      server.enqueue(Fault.hugeBody(1024 * 1024));
      failures.add(sendFailure(transport, uri, Duration.ofSeconds(5)));
      shown.add(transport.toString());
      transport.close();
      failures.add(sendFailure(transport, uri, Duration.ofSeconds(5)));
    }
    // what a Vert.x idle timeout says, quoting the request line; it must never become a cause as is
    TransportRequest request = new TransportRequest(uri, Duration.ofSeconds(1), 1024);
    Throwable quoting = new io.vertx.core.VertxException("The timeout period of 1000ms has been exceeded while executing GET "
        + uri.getRawPath() + "?" + uri.getRawQuery() + " for server 127.0.0.1:" + server.port(), true);
    failures.add(failureOfFetchFailingWith(request, quoting));
    failures.add(failureOfFetchFailingWith(request, new RuntimeException("wrapped", quoting)));

    assertThat(failures).extracting(Object::getClass).map(Class.class::cast).containsExactly(
        TokenTransportException.class, TokenTransportException.class, TokenProtocolException.class,
        TokenTransportException.class, TokenTransportException.class, TokenTransportException.class);
    assertThat(failures.get(4).getCause()).hasMessageContaining("message withheld");
    String everything = new String(printed.toByteArray(), StandardCharsets.UTF_8) + String.join("\n", logged)
        + String.join("\n", shown);
    for (String secret : secretForms()) {
      assertThat(everything).as("output and logs").doesNotContain(secret);
    }
    for (Throwable failure : failures) {
      assertClean(failure);
    }
  }

  private static Throwable failureOfFetchFailingWith(TransportRequest request, Throwable vertxFailure) {
    TokenFetch fetch = new TokenFetch(request);
    fetch.failed(vertxFailure);
    return catchThrowable(() -> fetch.result().toCompletableFuture().join()).getCause();
  }

  private static Throwable sendFailure(VertxTransport transport, URI uri, Duration timeout) throws Exception {
    try {
      TransportResponse response = transport.send(new TransportRequest(uri, timeout, TransportRequest.DEFAULT_MAX_BODY_BYTES))
          .toCompletableFuture().get(15, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + response);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  private Throwable failingFetch(URI endpoint, String secret, Fault fault, Duration timeout) {
    if (fault != null) {
      server.enqueue(fault);
    }
    try (TokenManager manager = TokenManager.builder()
        .endpoint(endpoint)
        .clientId(CLIENT_ID).clientSecret(secret)
        .transport(VertxTransport.create(vertx))
        .fetchTimeout(timeout)
        .build()) {
      Throwable failure = catchThrowable(manager::token);
      assertThat(failure).as("fetch with %s", fault).isNotNull();
      shown.add(manager.toString());
      return failure;
    }
  }

  private void bearerHealsAndReturns401s() {
    String url = server.protectedUri().toString();
    try (TokenManager manager = newManager()) {
      WebClient api = install(manager);

      assertThat(CtcBearerAuthTest.awaitResult(api.getAbs(url).send()).statusCode()).isEqualTo(200);
      tokens.add(server.currentToken().orElseThrow());
      tokens.add(server.issueTokenOutOfBand());
      assertThat(CtcBearerAuthTest.awaitResult(api.getAbs(url).send()).statusCode()).as("healed").isEqualTo(200);
      tokens.add(server.currentToken().orElseThrow());
      server.rejectEveryToken(true);
      // a second renewal after a rejection within the rate limit: the provider refuses, the call fails with it
      failures.add(CtcBearerAuthTest.failureOf(api.getAbs(url).send()));
      shown.add(manager + " " + manager.token() + " " + api);
      api.close();
    }
    try (TokenManager manager = newManager()) {
      WebClient api = install(manager);
      HttpResponse<Buffer> rejected = CtcBearerAuthTest.awaitResult(api.getAbs(url).send());
      assertThat(rejected.statusCode()).as("the replay's 401, as it is").isEqualTo(401);
      tokens.add(server.currentToken().orElseThrow());
      shown.add(rejected + " " + rejected.headers() + " " + rejected.bodyAsString() + " " + manager.token());
      api.close();
    }
  }

  private TokenManager newManager() {
    return TokenManager.builder()
        .endpoint(server.endpoint())
        .clientId(CLIENT_ID).clientSecret(SECRET)
        .transport(VertxTransport.create(vertx))
        .build();
  }

  private WebClient install(TokenManager manager) {
    CtcBearerAuth auth = CtcBearerAuth.builder(manager).host("127.0.0.1:" + server.port()).build();
    shown.add(auth.toString());
    return auth.install(WebClient.create(vertx));
  }

  private static List<String> secretForms() {
    return List.of(SECRET, URLEncoder.encode(SECRET, StandardCharsets.UTF_8),
        URLEncoder.encode(SECRET, StandardCharsets.UTF_8).replace("+", "%20"), SECRET_MARKER);
  }

  private void assertClean(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Throwable> pending = new ArrayList<>(List.of(failure));
    while (!pending.isEmpty()) {
      Throwable t = pending.remove(pending.size() - 1);
      if (!seen.add(t)) {
        continue;
      }
      String shown = t.getMessage() + " " + t.getLocalizedMessage() + " " + t;
      for (String secret : secretForms()) {
        assertThat(shown).as("%s in the chain of %s", t.getClass().getName(), failure).doesNotContain(secret);
      }
      for (String token : tokens) {
        assertThat(shown).as("%s in the chain of %s", t.getClass().getName(), failure).doesNotContain(token);
      }
      if (t.getCause() != null) {
        pending.add(t.getCause());
      }
      Collections.addAll(pending, t.getSuppressed());
    }
  }

  // a port that was just free and is closed again: connecting to it is refused
  private static int deadPort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes to the original stream and to the capture. */
  private static final class Tee extends OutputStream {
    private final OutputStream original;
    private final ByteArrayOutputStream copy;

    Tee(OutputStream original, ByteArrayOutputStream copy) {
      this.original = original;
      this.copy = copy;
    }

    @Override
    public void write(int b) throws IOException {
      original.write(b);
      synchronized (copy) {
        copy.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      original.write(b, off, len);
      synchronized (copy) {
        copy.write(b, off, len);
      }
    }
  }
}
