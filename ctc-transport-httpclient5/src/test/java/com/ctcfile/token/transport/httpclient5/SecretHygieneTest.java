package com.ctcfile.token.transport.httpclient5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.testkit.Fault;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end on a real server: during failing fetches (wrong secret, a 500, malformed JSON, a refused
 * connection) and successful ones, neither the secret nor a whole token reaches System.out/err,
 * java.util.logging or System.Logger at any level, an exception message, a cause chain or a toString.
 * HttpClient's own logging goes to java.util.logging too (SLF4J's JDK binding is on the test class
 * path) and is captured at every level, except the loggers that print request lines by design,
 * which {@link HttpClient5Transport#requestLoggersEnabled()} names and a manager warns about.
 */
class SecretHygieneTest {

  private static final String SECRET = "Hc5/S3cr&t=+%?ü秘密-x";
  // the fake server's JDK HttpServer logs request lines at FINE: that is the test's server, not the library
  private static final List<String> SERVER_SIDE_LOGGERS = List.of("com.sun.net.httpserver");
  // HttpClient prints request lines there by design; the transport names them in requestLoggersEnabled()
  private static final List<String> REQUEST_LOGGERS = HttpClient5Transport.REQUEST_LOGGERS;

  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final List<String> records = new CopyOnWriteArrayList<>();
  private final List<String> seen = new ArrayList<>();
  private PrintStream out;
  private PrintStream err;
  private Handler handler;
  private Level rootLevel;
  // held here: JUL keeps loggers weakly, and a collected one would come back without its level
  private final List<Logger> requestLoggers = new ArrayList<>();

  @BeforeEach
  void captureEverything() {
    out = System.out;
    err = System.err;
    PrintStream capture = new PrintStream(console, true, StandardCharsets.UTF_8);
    System.setOut(capture);
    System.setErr(capture);
    Logger root = Logger.getLogger("");
    rootLevel = root.getLevel();
    root.setLevel(Level.ALL);
    // everything else HttpClient logs (through SLF4J, to java.util.logging here) is captured at every level
    for (String name : REQUEST_LOGGERS) {
      Logger logger = Logger.getLogger(name);
      logger.setLevel(Level.INFO);
      requestLoggers.add(logger);
    }
    handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        String name = String.valueOf(record.getLoggerName());
        if (SERVER_SIDE_LOGGERS.stream().noneMatch(name::startsWith)) {
          records.add(name + " " + record.getMessage() + " " + java.util.Arrays.toString(record.getParameters())
              + " " + record.getThrown());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    handler.setLevel(Level.ALL);
    root.addHandler(handler);
  }

  @AfterEach
  void restore() {
    System.setOut(out);
    System.setErr(err);
    Logger root = Logger.getLogger("");
    root.removeHandler(handler);
    root.setLevel(rootLevel);
    requestLoggers.forEach(logger -> logger.setLevel(null));
  }

  @Test
  void failingAndSucceedingFetchesNeverRevealTheSecretOrAToken() throws Exception {
    List<String> tokens = new ArrayList<>();
    try (FakeCtcServer server = FakeCtcServer.builder().clientSecret(SECRET).build().start()) {
      // wrong secret: the server answers an errcode
      try (TokenManager wrong = manager(server.endpoint(), server.clientId(), SECRET + "-wrong")) {
        collect(catchThrowable(wrong::token));
      }
      try (TokenManager manager = manager(server.endpoint(), server.clientId(), SECRET)) {
        server.enqueue(Fault.reply(500, "{\"message\":\"boom for clientSecret=" + SECRET + "\"}"));
        collect(catchThrowable(manager::token));
      }
      try (TokenManager manager = manager(server.endpoint(), server.clientId(), SECRET)) {
        server.enqueue(Fault.reply(200, "{\"access_token\": oops " + SECRET));
        collect(catchThrowable(manager::token));
      }
      try (TokenManager manager = manager(server.endpoint(), server.clientId(), SECRET);
          CloseableHttpClient http = CtcBearerAuth.builder(manager).host(server.endpoint().getAuthority()).build()
              .install(HttpClients.custom()).build()) {
        AccessToken token = manager.token();
        tokens.add(token.value());
        seen.add(token.toString());
        seen.add(manager.toString());
        server.issueTokenOutOfBand();
        http.execute(new HttpGet(server.protectedUri()), response -> response.getCode());
        tokens.add(manager.token().value());
        server.currentToken().ifPresent(tokens::add);
      }
    }
    try (TokenManager refused = manager(URI.create("http://127.0.0.1:" + deadPort()), "client", SECRET)) {
      collect(catchThrowable(refused::token));
    }

    assertThat(seen).hasSizeGreaterThan(8);
    String everything = String.join("\n", seen) + "\n" + String.join("\n", records) + "\n"
        + console.toString(StandardCharsets.UTF_8);
    assertThat(everything).doesNotContain(SECRET)
        .doesNotContain(URLEncoder.encode(SECRET, StandardCharsets.UTF_8))
        .doesNotContain(URLEncoder.encode(SECRET, StandardCharsets.UTF_8).replace("+", "%20"));
    for (String token : tokens) {
      assertThat(everything).doesNotContain(token);
    }
    assertThat(records).as("the library did log (at FINE and above) while the test listened").isNotEmpty();
  }

  private TokenManager manager(URI endpoint, String clientId, String secret) {
    return TokenManager.builder().endpoint(endpoint).clientId(clientId).clientSecret(secret)
        .transport(HttpClient5Transport.create())
        .listener(new TokenEventListener() {
          @Override
          public void fetchFailed(TokenKey key, com.ctcfile.token.CtcTokenException failure, Duration retryIn) {
            collect(failure);
          }
        })
        .build();
  }

  private synchronized void collect(Throwable failure) {
    Map<Throwable, Boolean> visited = new IdentityHashMap<>();
    List<Throwable> pending = new ArrayList<>();
    pending.add(failure);
    while (!pending.isEmpty()) {
      Throwable t = pending.remove(0);
      if (t == null || visited.put(t, true) != null) {
        continue;
      }
      seen.add(t.toString());
      for (StackTraceElement frame : t.getStackTrace()) {
        seen.add(frame.toString());
      }
      pending.add(t.getCause());
      pending.addAll(List.of(t.getSuppressed()));
    }
  }

  private static int deadPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
