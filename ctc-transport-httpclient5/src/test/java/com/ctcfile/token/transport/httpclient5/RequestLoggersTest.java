package com.ctcfile.token.transport.httpclient5;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.wire.TokenRequestUri;
import com.ctcfile.token.testkit.FakeCtcServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link HttpClient5Transport#requestLoggersEnabled()} against a real SLF4J backend (SLF4J's JDK
 * binding, so levels are set through java.util.logging): each logger it names does print the token
 * request's query, secret included, once it is at DEBUG, and it names none while they are off.
 */
class RequestLoggersTest {

  private static final String SECRET = "requestloggers-secret";

  private final FakeCtcServer server = FakeCtcServer.builder().clientSecret(SECRET).build().start();
  private final List<String> printed = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      printed.add(record.getLoggerName() + " " + record.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private final Logger root = Logger.getLogger("");
  private Logger enabled;

  @BeforeEach
  void listen() {
    capture.setLevel(Level.ALL);
    root.addHandler(capture);
  }

  @AfterEach
  void stop() {
    root.removeHandler(capture);
    if (enabled != null) {
      enabled.setLevel(null);
    }
    server.close();
  }

  @Test
  @DisplayName("names no logger while HttpClient's loggers are at their default level")
  void namesNoneByDefault() {
    try (HttpClient5Transport transport = HttpClient5Transport.create()) {
      assertThat(transport.requestLoggersEnabled()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"org.apache.hc.client5.http.headers", "org.apache.hc.client5.http.wire",
      "org.apache.hc.client5.http.impl.async.HttpAsyncMainClientExec"})
  @DisplayName("names each logger that prints the request's query once it is at DEBUG")
  void namesALoggerAtDebug(String name) throws Exception {
    enabled = Logger.getLogger(name);
    enabled.setLevel(Level.FINE);
    URI uri = TokenRequestUri.of(server.endpoint(), server.clientId(), SECRET);

    try (HttpClient5Transport transport = HttpClient5Transport.create()) {
      assertThat(transport.requestLoggersEnabled()).containsExactly(name);
      transport.send(new TransportRequest(uri, Duration.ofSeconds(10), TransportRequest.DEFAULT_MAX_BODY_BYTES))
          .toCompletableFuture().get(15, TimeUnit.SECONDS);
    }

    assertThat(textPrintedBy(name)).as("what %s printed", name).contains("clientSecret=" + SECRET);
  }

  // the wire logger prints 16 bytes a line, as text and then as hex: the text columns joined
  private String textPrintedBy(String name) {
    StringBuilder text = new StringBuilder();
    for (String line : printed) {
      if (!line.startsWith(name + " ")) {
        continue;
      }
      int wire = name.endsWith(".wire") ? line.indexOf(" >> ") : -1;
      text.append(wire < 0 ? line : line.substring(wire + 4, Math.min(line.length(), wire + 4 + 16)));
    }
    return text.toString();
  }

  @Test
  @DisplayName("a level set on a parent logger counts")
  void honoursAParentsLevel() {
    enabled = Logger.getLogger("org.apache.hc.client5.http");
    enabled.setLevel(Level.FINE);

    try (HttpClient5Transport transport = HttpClient5Transport.create()) {
      assertThat(transport.requestLoggersEnabled()).containsExactlyElementsOf(HttpClient5Transport.REQUEST_LOGGERS);
    }
  }
}
