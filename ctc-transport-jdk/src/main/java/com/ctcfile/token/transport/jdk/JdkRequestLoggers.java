package com.ctcfile.token.transport.jdk;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Which of the JDK HTTP client's loggers print request lines or headers, and with them the token
 * request's query (the client secret) and any {@code Authorization} header (a token).
 *
 * <p>Two switches do it, both read by the JDK once, when its HTTP client classes are first used:
 * <ul>
 *   <li>{@value #LOG_PROPERTY}, a comma-separated list (as a system property, or in
 *       {@code $JAVA_HOME/conf/net.properties}); {@code requests}, {@code headers} and {@code all}
 *       make the logger {@value #LOGGER} print at {@code INFO} the request URI with its query and
 *       every request header;
 *   <li>{@value #DEBUG_PROPERTY}{@code =true}, the client's debug trace: logger {@value #DEBUG_PROPERTY},
 *       also copied to standard error, whatever that logger's level.
 * </ul>
 * Since the JDK reads the switches only once, a switch changed later while the JVM runs can make the
 * answer wrong either way; changing them at run time is rare.
 */
final class JdkRequestLoggers {

  static final String LOG_PROPERTY = "jdk.httpclient.HttpClient.log";
  static final String LOGGER = "jdk.httpclient.HttpClient";
  static final String DEBUG_PROPERTY = "jdk.internal.httpclient.debug";

  private static final List<String> PRINTING_REQUESTS = List.of("requests", "headers", "all");

  private JdkRequestLoggers() {}

  /** The names of the loggers that print requests right now; empty when none does. */
  static List<String> enabled() {
    List<String> enabled = new ArrayList<>(2);
    if (printsRequests(netProperty(LOG_PROPERTY)) && System.getLogger(LOGGER).isLoggable(Level.INFO)) {
      enabled.add(LOGGER);
    }
    if (Boolean.parseBoolean(netProperty(DEBUG_PROPERTY))) {
      enabled.add(DEBUG_PROPERTY);
    }
    return List.copyOf(enabled);
  }

  // the JDK spells the values in any case and ignores the ones it does not know
  static boolean printsRequests(String logSetting) {
    if (logSetting == null) {
      return false;
    }
    for (String value : logSetting.split(",")) {
      if (PRINTING_REQUESTS.contains(value.trim().toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  // as the JDK reads its networking properties: the system property first, then conf/net.properties
  private static String netProperty(String name) {
    String value = System.getProperty(name);
    if (value != null) {
      return value;
    }
    String home = System.getProperty("java.home");
    if (home == null) {
      return null;
    }
    Path file = Path.of(home, "conf", "net.properties");
    if (!Files.isReadable(file)) {
      return null;
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    } catch (IOException | IllegalArgumentException unreadable) {
      return null;
    }
    return properties.getProperty(name);
  }
}
