package com.ctcfile.token.transport.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.wire.TokenRequestUri;
import com.ctcfile.token.testkit.FakeCtcServer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpVersion;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.HttpClientRegistry;
import io.micronaut.http.client.HttpVersionSelection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@link MicronautTransport#requestLoggersEnabled()} against logback: each logger it names does
 * print the token request's URI, secret included, at the level it was found enabled at.
 */
class RequestLoggersTest {

  private static final String SECRET = "micronaut-loggers-secret";

  private final FakeCtcServer server = FakeCtcServer.builder().clientSecret(SECRET).build().start();
  private final LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final List<Logger> changed = new ArrayList<>();
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private ApplicationContext context;

  @AfterEach
  void stop() {
    changed.forEach(logger -> {
      logger.setLevel(null);
      logger.detachAppender(events);
    });
    if (context != null) {
      context.close();
    }
    server.close();
  }

  @Test
  @DisplayName("an own client: names WIRE_LOGGER only at DEBUG, where Micronaut prints the URI")
  void namesTheOwnClientsLogger() throws Exception {
    try (Transport transport = MicronautTransport.create()) {
      assertThat(transport.requestLoggersEnabled()).isEmpty();
      listen(MicronautTransport.WIRE_LOGGER, Level.DEBUG);
      listen("io.micronaut", Level.TRACE);

      assertThat(transport.requestLoggersEnabled()).containsExactly(MicronautTransport.WIRE_LOGGER);
      send(transport);
    }

    assertThat(printedBy(MicronautTransport.WIRE_LOGGER)).contains("clientSecret=" + SECRET);
    assertThat(printedBy("io.micronaut")).as("Micronaut's own loggers, even at TRACE").doesNotContain(SECRET);
  }

  @Test
  @DisplayName("a caller's client: names its logger at DEBUG, and DefaultHttpClient's when its log-level dumps requests")
  void namesACallersClientsLoggers() throws Exception {
    context = ApplicationContext.run(Map.of("micronaut.http.client.follow-redirects", false,
        "micronaut.http.client.log-level", "TRACE"));
    HttpClient client = context.getBean(HttpClientRegistry.class)
        .getClient(HttpVersionSelection.forLegacyVersion(HttpVersion.HTTP_1_1), "loggers", null);
    Transport transport = MicronautTransport.create(client);
    assertThat(transport.requestLoggersEnabled()).isEmpty();

    listen(MicronautTransport.CLIENT_LOGGER, Level.TRACE);

    assertThat(transport.requestLoggersEnabled()).containsExactly(MicronautTransport.CLIENT_LOGGER);
    send(transport);
    assertThat(printedBy(MicronautTransport.CLIENT_LOGGER)).contains("clientSecret=" + SECRET);
  }

  private void listen(String name, Level level) {
    Logger logger = logback.getLogger(name);
    logger.setLevel(level);
    if (!events.isStarted()) {
      events.setContext(logback);
      events.start();
    }
    logger.addAppender(events);
    changed.add(logger);
  }

  private String printedBy(String name) {
    StringBuilder printed = new StringBuilder();
    for (ILoggingEvent event : List.copyOf(events.list)) {
      if (event.getLoggerName().startsWith(name)) {
        printed.append(event.getFormattedMessage()).append('\n');
      }
    }
    return printed.toString();
  }

  private void send(Transport transport) throws Exception {
    transport.send(new TransportRequest(TokenRequestUri.of(server.endpoint(), server.clientId(), SECRET),
        Duration.ofSeconds(10), TransportRequest.DEFAULT_MAX_BODY_BYTES)).toCompletableFuture().get(15, TimeUnit.SECONDS);
  }
}
