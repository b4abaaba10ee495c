package com.ctcfile.token.transport.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.testkit.FakeCtcServer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.management.endpoint.env.EnvironmentEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The client secret shows nowhere Micronaut or this module writes: not in log output (SLF4J at
 * DEBUG for Micronaut and TRACE for ctc-token, java.util.logging, System.out and System.err), not in
 * the env management endpoint, not in a failure.
 */
class SecretHygieneTest {

  private static final String SECRET = "s3cr-hygiene-secret";
  private static final String WRONG_SECRET = "s3cr-hygiene-wrong";

  private final FakeCtcServer server = FakeCtcServer.builder().clientSecret(SECRET).build().start();
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private final List<String> julRecords = new ArrayList<>();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final Handler julHandler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      synchronized (julRecords) {
        julRecords.add(new SimpleFormatter().format(record));
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private PrintStream out;
  private PrintStream err;
  private java.util.logging.Level julLevel;

  @BeforeEach
  void capture() {
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    events.setContext(logback);
    events.start();
    logback.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(events);
    logback.getLogger("io.micronaut").setLevel(Level.DEBUG);
    logback.getLogger("com.ctcfile").setLevel(Level.TRACE);
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    root.addHandler(julHandler);
    julLevel = java.util.logging.Logger.getLogger("com.ctcfile").getLevel();
    java.util.logging.Logger.getLogger("com.ctcfile").setLevel(java.util.logging.Level.ALL);
    out = System.out;
    err = System.err;
    System.setOut(new PrintStream(new TeeStream(out, console), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new TeeStream(err, console), true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void release() {
    System.setOut(out);
    System.setErr(err);
    java.util.logging.Logger.getLogger("").removeHandler(julHandler);
    java.util.logging.Logger.getLogger("com.ctcfile").setLevel(julLevel);
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    logback.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(events);
    logback.getLogger("io.micronaut").setLevel(null);
    logback.getLogger("com.ctcfile").setLevel(null);
    server.close();
  }

  private Map<String, Object> properties(String secret) {
    return Map.of(
        "ctc.token.endpoint", server.endpoint().toString(),
        "ctc.token.client-id", server.clientId(),
        "ctc.token.client-secret", secret,
        "endpoints.env.enabled", true);
  }

  @Test
  void noLogLineOrConsoleOutputShowsTheSecret() {
    try (ApplicationContext context = ApplicationContext.run(properties(SECRET))) {
      CtcApi api = context.getBean(CtcApi.class);
      api.protectedResource();
      server.issueTokenOutOfBand();
      api.protectedResource();
    }
    try (ApplicationContext context = ApplicationContext.run(properties(WRONG_SECRET))) {
      assertThatThrownBy(() -> context.getBean(CtcApi.class).protectedResource())
          .satisfies(failure -> assertThat(CtcTokenConfigurationTest.messagesOf(failure))
              .contains(CtcApiException.class.getName())
              .doesNotContain(WRONG_SECRET));
    }

    assertThat(server.fetches()).isEqualTo(2);
    assertThat(events.list).as("Micronaut's DEBUG output shows that logging was on").isNotEmpty();
    assertThat(logText()).doesNotContain("s3cr-hygiene");
    synchronized (julRecords) {
      assertThat(String.join("\n", julRecords)).doesNotContain("s3cr-hygiene");
    }
    assertThat(console.toString(StandardCharsets.UTF_8)).doesNotContain("s3cr-hygiene");
  }

  @Test
  void theEnvEndpointMasksTheSecretByDefault() {
    try (ApplicationContext context = ApplicationContext.run(properties(SECRET))) {
      String shown = context.getBean(EnvironmentEndpoint.class).getEnvironmentInfo().toString();

      assertThat(shown).contains("ctc.token.client-secret").doesNotContain(SECRET);
    }
  }

  @Test
  void theEnvEndpointMasksTheSecretWithKeyNameMasking() {
    Map<String, Object> properties = new java.util.HashMap<>(properties(SECRET));
    properties.put("test.legacy-masking", true);
    try (ApplicationContext context = ApplicationContext.run(properties)) {
      String shown = context.getBean(EnvironmentEndpoint.class).getEnvironmentInfo().toString();

      assertThat(shown).as("key-name masking shows other values").contains("test.legacy-masking=true")
          .contains("ctc.token.client-secret").doesNotContain(SECRET);
    }
  }

  private String logText() {
    StringBuilder text = new StringBuilder();
    for (ILoggingEvent event : List.copyOf(events.list)) {
      text.append(event.getLoggerName()).append(' ').append(event.getFormattedMessage()).append('\n');
      if (event.getThrowableProxy() != null) {
        text.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
      }
    }
    return text.toString();
  }

  /** Writes to the real stream and to the capture. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream first;
    private final java.io.OutputStream second;

    TeeStream(java.io.OutputStream first, java.io.OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws java.io.IOException {
      first.write(b);
      synchronized (second) {
        second.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      first.write(b, off, len);
      synchronized (second) {
        second.write(b, off, len);
      }
    }
  }
}
