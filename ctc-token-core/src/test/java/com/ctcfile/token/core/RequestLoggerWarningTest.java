package com.ctcfile.token.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A manager warns once, at start, when its transport's library would print the token request. */
class RequestLoggerWarningTest {

  private final List<String> warnings = new ArrayList<>();
  private final Logger logger = Logger.getLogger("com.ctcfile.token");
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        warnings.add(record.getMessage());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void captureWarnings() {
    logger.addHandler(capture);
  }

  @AfterEach
  void stopCapturing() {
    logger.removeHandler(capture);
  }

  @Test
  void aTransportWhoseRequestLoggersAreOnIsNamedInOneWarningWithoutTheSecret() {
    try (TokenManager manager = Fixture.builder(new Chatty(List.of("org.example.http.headers", "org.example.http.wire")))
        .build()) {
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0)).contains("org.example.http.headers, org.example.http.wire")
          .contains("carries the client secret").contains("above DEBUG").doesNotContain(Fixture.SECRET);
      assertThat(manager.key().clientId()).isEqualTo(Fixture.CLIENT_ID);
    }
  }

  @Test
  void noWarningWhenNoneIsOn() {
    try (TokenManager manager = Fixture.builder(new Chatty(List.of())).build()) {
      assertThat(warnings).isEmpty();
    }
  }

  private static final class Chatty implements Transport {
    private final ScriptedTransport replies = new ScriptedTransport();
    private final List<String> loggers;

    Chatty(List<String> loggers) {
      this.loggers = loggers;
    }

    @Override
    public CompletionStage<TransportResponse> send(TransportRequest request) {
      return replies.send(request);
    }

    @Override
    public List<String> requestLoggersEnabled() {
      return loggers;
    }
  }
}
