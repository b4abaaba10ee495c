package com.ctcfile.token.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.testkit.FakeCtcServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link JdkHttpClientTransport#requestLoggersEnabled()} names the JDK client's loggers exactly
 * when the switches that make them print request URIs and headers are on. The switches are system
 * properties: each test sets them and puts them back.
 */
class RequestLoggersEnabledTest {

  private static final String LOG = "jdk.httpclient.HttpClient.log";
  private static final String DEBUG = "jdk.internal.httpclient.debug";

  private String savedLog;
  private String savedDebug;
  private Level savedLevel;
  // held so that the JDK does not drop the logger, and its level, while a test runs
  private Logger jdkLogger;
  private JdkHttpClientTransport transport;

  // The JDK reads the switches when its HTTP client first logs; let that happen with the switches
  // off, before any test turns them on, so that no other test of this JVM starts printing requests.
  @BeforeAll
  static void letTheJdkReadItsSwitchesFirst() throws Exception {
    try (FakeCtcServer server = FakeCtcServer.builder().build().start()) {
      HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.protectedUri()).build(),
          HttpResponse.BodyHandlers.discarding());
    }
  }

  @BeforeEach
  void save() {
    savedLog = System.getProperty(LOG);
    savedDebug = System.getProperty(DEBUG);
    jdkLogger = Logger.getLogger("jdk.httpclient.HttpClient");
    savedLevel = jdkLogger.getLevel();
    System.clearProperty(LOG);
    System.clearProperty(DEBUG);
    transport = JdkHttpClientTransport.create();
  }

  @AfterEach
  void restore() {
    transport.close();
    restore(LOG, savedLog);
    restore(DEBUG, savedDebug);
    jdkLogger.setLevel(savedLevel);
  }

  @Test
  @DisplayName("none without the switches")
  void noneByDefault() {
    assertThat(transport.requestLoggersEnabled()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"requests", "headers", "all", "errors,HEADERS", "ssl, requests"})
  @DisplayName("jdk.httpclient.HttpClient when jdk.httpclient.HttpClient.log lists requests, headers or all, in any case")
  void namesTheHttpClientLogger(String setting) {
    System.setProperty(LOG, setting);

    assertThat(transport.requestLoggersEnabled()).containsExactly("jdk.httpclient.HttpClient");
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"errors", "ssl,channel", "frames:control", "content", "trace", ""})
  @DisplayName("none when jdk.httpclient.HttpClient.log lists only what prints no request")
  void ignoresSettingsThatPrintNoRequest(String setting) {
    System.setProperty(LOG, setting);

    assertThat(transport.requestLoggersEnabled()).isEmpty();
  }

  @Test
  @DisplayName("none when the switch is on but the logger is off at INFO, the level the JDK prints at")
  void ignoresTheSwitchWhenTheLoggerIsOff() {
    System.setProperty(LOG, "headers");
    jdkLogger.setLevel(Level.WARNING);

    assertThat(transport.requestLoggersEnabled()).isEmpty();
  }

  @Test
  @DisplayName("jdk.internal.httpclient.debug when that debug trace is on")
  void namesTheDebugTrace() {
    System.setProperty(DEBUG, "true");

    assertThat(transport.requestLoggersEnabled()).containsExactly("jdk.internal.httpclient.debug");
  }

  @Test
  @DisplayName("the same answer through a transport on the caller's client")
  void sameOnTheCallersClient() {
    System.setProperty(LOG, "all");
    System.setProperty(DEBUG, "true");

    try (JdkHttpClientTransport callers = JdkHttpClientTransport.create(HttpClient.newHttpClient())) {
      assertThat(callers.requestLoggersEnabled())
          .containsExactly("jdk.httpclient.HttpClient", "jdk.internal.httpclient.debug");
    }
  }

  private static void restore(String name, String value) {
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }
}
