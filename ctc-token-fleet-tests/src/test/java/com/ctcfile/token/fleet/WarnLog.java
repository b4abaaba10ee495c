package com.ctcfile.token.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The warnings the library logged about one key while a test ran: what an operator would see. The
 * library logs through {@link System.Logger} {@code com.ctcfile.token}, which without another backend is
 * java.util.logging's logger of that name; this handler keeps the records at {@code WARNING} and above
 * whose message names the key (test classes share the JVM, each with keys of its own). Figures name
 * only the {@linkplain #kinds() kind} of each line, never its text. Thread-safe.
 */
final class WarnLog implements AutoCloseable {

  // a strong reference: java.util.logging keeps loggers weakly, and a collected one would lose the handler
  private final Logger logger = Logger.getLogger("com.ctcfile.token");
  private final String keyId;
  private final List<String> messages = new ArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      String message = record.getMessage();
      if (record.getLevel().intValue() >= Level.WARNING.intValue() && message != null && message.contains(keyId)) {
        synchronized (messages) {
          messages.add(message);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private WarnLog(String keyId) {
    this.keyId = keyId;
  }

  /**
   * Captures warnings that mention {@code keyText}: a key's id ({@code clientId@host:port}) or its
   * client id, which every warning about the key names.
   */
  static WarnLog capture(String keyText) {
    WarnLog log = new WarnLog(keyText);
    log.logger.addHandler(log.handler);
    return log;
  }

  /** How many warnings of each kind, e.g. {@code {storeFailed=2, fetchFailed=1}}. */
  Map<String, Long> kinds() {
    synchronized (messages) {
      return messages.stream().collect(Collectors.groupingBy(WarnLog::kindOf, TreeMap::new, Collectors.counting()));
    }
  }

  /** {@link #kinds()} as {@code storeFailed:2,fetchFailed:1}, or {@code -} for none. */
  String describe() {
    return describe(kinds());
  }

  static String describe(Map<String, Long> kinds) {
    return kinds.isEmpty() ? "-" : kinds.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
        .collect(Collectors.joining(","));
  }

  /** The kind of one warning line of the library, by the words it starts with. */
  static String kindOf(String message) {
    if (message.startsWith("token store failed")) {
      return "storeFailed";
    }
    if (message.startsWith("token fetch for")) {
      return "fetchFailed";
    }
    if (message.startsWith("renewal lease for")) {
      return "leaseLost";
    }
    if (message.contains("was rejected again; renewal suppressed")) {
      return "rejectionRateLimited";
    }
    if (message.contains("was rejected while it should still be valid")) {
      return "foreignFetchSuspected";
    }
    if (message.startsWith("the token request of")) {
      return "requestLoggers";
    }
    return "other";
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
  }
}
