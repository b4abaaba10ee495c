package com.ctcfile.token.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.wire.TokenRequestUri;
import com.ctcfile.token.testkit.FakeCtcServer;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link VertxTransport#requestLoggersEnabled()} against Netty's real logging backend here,
 * java.util.logging: a caller's client with {@code setLogActivity(true)} does hex-dump the token
 * request, secret included, once Netty's activity logger is at DEBUG, and the transport names it.
 */
class RequestLoggersTest {

  private static final String SECRET = "vertx-loggers-secret";
  // one row of Netty's hex dump: offset, 16 bytes as hex, the same 16 bytes as text
  private static final Pattern DUMP_ROW = Pattern.compile("^\\|[0-9a-f]{8}\\|[0-9a-f ]+\\|(.{1,16})\\|$",
      Pattern.MULTILINE);

  // held here: JUL keeps loggers weakly
  private final Logger activity = Logger.getLogger(VertxTransport.ACTIVITY_LOGGER);
  private final List<String> dumped = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      dumped.add(String.valueOf(record.getMessage()));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private final Vertx vertx = Vertx.vertx();
  private final FakeCtcServer server = FakeCtcServer.builder().clientSecret(SECRET).build().start();

  @BeforeEach
  void listen() {
    assertThat(InternalLoggerFactory.getDefaultFactory()).as("Netty's backend in this build")
        .isInstanceOf(JdkLoggerFactory.class);
    activity.addHandler(capture);
  }

  @AfterEach
  void stop() {
    activity.removeHandler(capture);
    activity.setLevel(null);
    server.close();
    vertx.close().await();
  }

  @Test
  @DisplayName("names Netty's activity logger at DEBUG for a caller's client, which then dumps the secret")
  void namesTheActivityLoggerOfACallersClient() throws Exception {
    activity.setLevel(Level.FINE);
    WebClient logging = WebClient.create(vertx, new WebClientOptions().setLogActivity(true));
    try (Transport transport = VertxTransport.create(logging)) {
      assertThat(transport.requestLoggersEnabled()).containsExactly("io.netty.handler.logging.LoggingHandler");

      transport.send(new TransportRequest(TokenRequestUri.of(server.endpoint(), server.clientId(), SECRET),
          Duration.ofSeconds(10), TransportRequest.DEFAULT_MAX_BODY_BYTES)).toCompletableFuture().get(15, TimeUnit.SECONDS);
    } finally {
      logging.close();
    }

    assertThat(dumpedText()).contains("clientSecret=" + SECRET);
  }

  @Test
  @DisplayName("names none while that logger is off, and none for the transport's own client, which logs no activity")
  void namesNoneOtherwise() {
    WebClient plain = WebClient.create(vertx);
    try (Transport callers = VertxTransport.create(plain); Transport own = VertxTransport.create(vertx)) {
      assertThat(callers.requestLoggersEnabled()).isEmpty();

      activity.setLevel(Level.FINE);

      assertThat(own.requestLoggersEnabled()).isEmpty();
    } finally {
      plain.close();
    }
  }

  private String dumpedText() {
    StringBuilder text = new StringBuilder();
    for (String message : dumped) {
      Matcher row = DUMP_ROW.matcher(message);
      while (row.find()) {
        text.append(row.group(1));
      }
    }
    return text.toString();
  }
}
