package com.ctcfile.token.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * A {@link FleetNode} running as a JVM process of its own, started from this test JVM's class path,
 * and what it has said so far. Thread-safe. {@link #close()} kills the process if it still runs, so a
 * failed test leaves no node behind.
 */
final class NodeProcess implements AutoCloseable {

  /**
   * What the parent passes to every node of a fleet; the secret and the JDBC URL go by environment.
   * {@code options} are further {@code key=value} arguments of {@link FleetNode} (store timeout, settle
   * period, backoff, the store's query timeout, the pool's connection timeout).
   */
  record Config(String jdbcUrl, String table, String endpoint, String clientId, String clientSecret, int threads,
      long paceMillis, Duration lease, Duration fetchTimeout, Duration refreshAhead, Map<String, String> options) {

    Config {
      options = Map.copyOf(options);
    }

    /** This configuration with one more option, e.g. {@code with("storeTimeoutMillis", 600)}. */
    Config with(String key, Object value) {
      Map<String, String> more = new LinkedHashMap<>(options);
      more.put(key, String.valueOf(value));
      return new Config(jdbcUrl, table, endpoint, clientId, clientSecret, threads, paceMillis, lease, fetchTimeout,
          refreshAhead, more);
    }

    /** This configuration with another refresh-ahead. */
    Config refreshingAhead(Duration ahead) {
      return new Config(jdbcUrl, table, endpoint, clientId, clientSecret, threads, paceMillis, lease, fetchTimeout,
          ahead, options);
    }

    /** This configuration on another JDBC URL, e.g. one through a {@link TcpProxy}. */
    Config via(String url) {
      return new Config(url, table, endpoint, clientId, clientSecret, threads, paceMillis, lease, fetchTimeout,
          refreshAhead, options);
    }
  }

  /** A line the node printed with a wall-clock time: a failed call ({@code what} says how), a recovery. */
  record Timed(long millis, String what) {}

  private final String nodeId;
  private final Process process;
  private final Path stderr;
  private final List<String> lines = new ArrayList<>();
  private final Thread reader;
  private volatile long latestVersion;
  private final Map<Long, Long> versionMillis = new ConcurrentHashMap<>();
  private volatile Map<String, String> result;

  private NodeProcess(String nodeId, Process process, Path stderr) {
    this.nodeId = nodeId;
    this.process = process;
    this.stderr = stderr;
    this.reader = new Thread(this::readStdout, "node-reader-" + nodeId);
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /** Starts node {@code nodeId} and returns at once; see {@link #awaitReady}. */
  static NodeProcess start(String nodeId, Config config, Path workDir) {
    return start(nodeId, config, workDir, FleetNode.class);
  }

  /** Starts node {@code nodeId} with {@code main} (which speaks {@link FleetNode}'s protocol) and returns at once. */
  static NodeProcess start(String nodeId, Config config, Path workDir, Class<?> main) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // small and quick to start: the node's work is a few HTTP calls and statements a second
        "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
        "-cp", System.getProperty("java.class.path"),
        main.getName(),
        "node=" + nodeId,
        "table=" + config.table(),
        "endpoint=" + config.endpoint(),
        "clientId=" + config.clientId(),
        "threads=" + config.threads(),
        "paceMillis=" + config.paceMillis(),
        "leaseMillis=" + config.lease().toMillis(),
        "fetchTimeoutMillis=" + config.fetchTimeout().toMillis()));
    if (config.refreshAhead() != null) {
      command.add("refreshAheadMillis=" + config.refreshAhead().toMillis());
    }
    config.options().forEach((key, value) -> command.add(key + "=" + value));
    Path stderr = workDir.resolve(nodeId + ".stderr");
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectError(stderr.toFile())
        .redirectOutput(ProcessBuilder.Redirect.PIPE)
        .redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.environment().put("CTC_FLEET_CLIENT_SECRET", config.clientSecret());
    builder.environment().put("CTC_FLEET_JDBC_URL", config.jdbcUrl());
    try {
      return new NodeProcess(nodeId, builder.start(), stderr);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + nodeId, e);
    }
  }

  String nodeId() {
    return nodeId;
  }

  void awaitReady(Duration atMost) {
    Awaitility.await("node " + nodeId + " ready").atMost(atMost).pollInterval(Duration.ofMillis(20))
        .failFast("node " + nodeId + " exited: " + diagnostics(), () -> !process.isAlive())
        .until(() -> saw("READY"));
  }

  /** Tells the node to start calling. */
  void go() {
    send("GO");
  }

  /**
   * Has the node print every thread's stack to its stderr, and returns them once written (at most a
   * few seconds later): for the message of a test that waited in vain.
   */
  String threadDump() {
    if (!process.isAlive()) {
      return "(node " + nodeId + " has exited)";
    }
    send("DUMP");
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      String text = "";
      while (System.nanoTime() < deadline) {
        text = Files.exists(stderr) ? Files.readString(stderr) : "";
        int at = text.lastIndexOf("THREADS\n");
        if (at >= 0 && text.length() > at + 8) {
          Thread.sleep(200); // the rest of the dump
          text = Files.readString(stderr);
          return text.substring(text.lastIndexOf("THREADS\n"));
        }
        Thread.sleep(50);
      }
      return "(no thread dump from node " + nodeId + ")";
    } catch (IOException e) {
      return "(unreadable stderr of node " + nodeId + ": " + e + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }

  /** The highest token version the node has reported seeing; 0 before the first. */
  long latestVersion() {
    return latestVersion;
  }

  /** When the node first reported seeing {@code version} (wall-clock millis); empty if it has not. */
  OptionalLong versionSeenAt(long version) {
    Long millis = versionMillis.get(version);
    return millis == null ? OptionalLong.empty() : OptionalLong.of(millis);
  }

  /** The calls that still failed after the replay, as reported so far ({@code FAILURE} lines), in order. */
  List<Timed> failures() {
    return timed("FAILURE ");
  }

  /** The first accepted calls after failures ({@code RECOVERED} lines), in order. */
  List<Timed> recoveries() {
    return timed("RECOVERED ");
  }

  /**
   * The warnings the library logged on the node's stderr (java.util.logging's {@code WARNING: }
   * lines), by {@linkplain WarnLog#kindOf kind}.
   */
  Map<String, Long> warnings() {
    try {
      List<String> lines = Files.exists(stderr) ? Files.readAllLines(stderr) : List.of();
      return lines.stream().filter(line -> line.startsWith("WARNING: "))
          .map(line -> WarnLog.kindOf(line.substring("WARNING: ".length())))
          .collect(Collectors.groupingBy(kind -> kind, TreeMap::new, Collectors.counting()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the stderr of node " + nodeId, e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Tells the node to stop, waits for it to exit and returns its {@code RESULT}: {@code calls},
   * {@code failures}, {@code backwards}, {@code versions} (comma-separated, in order seen),
   * {@code failureKinds}, {@code fetches}, {@code adopted}, {@code leaseLost}, {@code storeFailed},
   * {@code storeTimeouts}, {@code foreignFetchSuspected}, {@code queries}, {@code updates},
   * {@code leaseAtClose}, {@code closeMillis}, {@code threadsLeft} ({@code name@class}, comma-separated,
   * or {@code -}) and {@code threadsGoneMillis}.
   */
  Map<String, String> stop(Duration atMost) {
    requestStop();
    return awaitResult(atMost);
  }

  /** Tells the node to stop and returns at once; {@link #awaitResult} waits for it. */
  void requestStop() {
    send("STOP");
  }

  /** Waits for a node told to stop to exit and returns its {@code RESULT}, as {@link #stop} does. */
  Map<String, String> awaitResult(Duration atMost) {
    try {
      if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("node " + nodeId + " did not stop in " + atMost + ": " + diagnostics());
      }
      reader.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while stopping node " + nodeId, e);
    }
    Map<String, String> stopped = result;
    if (process.exitValue() != 0 || stopped == null) {
      throw new AssertionError("node " + nodeId + " exited with " + process.exitValue() + " and no result: "
          + diagnostics());
    }
    return stopped;
  }

  /** {@code kill -9}: the node gets no chance to release its lease or close anything. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The {@code EVENT} lines the node has printed so far, {@code "<millis> <event>"} each. */
  List<String> events() {
    synchronized (lines) {
      return lines.stream().filter(line -> line.startsWith("EVENT ")).map(line -> line.substring("EVENT ".length()))
          .toList();
    }
  }

  /** The node's last lines on stdout and stderr, for failure messages. */
  String diagnostics() {
    String out;
    synchronized (lines) {
      out = String.join("\n  ", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
    String err;
    try {
      List<String> errLines = Files.exists(stderr) ? Files.readAllLines(stderr) : List.of();
      err = String.join("\n  ", errLines.subList(Math.max(0, errLines.size() - 40), errLines.size()));
    } catch (IOException e) {
      err = "(unreadable: " + e + ")";
    }
    return "\n stdout of " + nodeId + ":\n  " + out + "\n stderr of " + nodeId + ":\n  " + err;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  @Override
  public String toString() {
    return "node " + nodeId;
  }

  private List<Timed> timed(String prefix) {
    synchronized (lines) {
      return lines.stream().filter(line -> line.startsWith(prefix)).map(line -> {
        String[] parts = line.substring(prefix.length()).split(" ", 2);
        return new Timed(Long.parseLong(parts[0]), parts.length > 1 ? parts[1] : "");
      }).toList();
    }
  }

  private boolean saw(String line) {
    synchronized (lines) {
      return lines.contains(line);
    }
  }

  private void send(String command) {
    try {
      OutputStream in = process.getOutputStream();
      in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    } catch (IOException e) {
      throw new AssertionError("cannot tell node " + nodeId + " to " + command + ": " + diagnostics(), e);
    }
  }

  private void readStdout() {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        synchronized (lines) {
          lines.add(line);
        }
        if (line.startsWith("VERSION ")) {
          version(line.substring("VERSION ".length()).split(" "));
        } else if (line.startsWith("RESULT ")) {
          result = parse(line.substring("RESULT ".length()));
        }
      }
    } catch (IOException ignored) {
      // the process is gone
    }
  }

  /**
   * {@code VERSION n [millis]}; a line cut short (the node was killed while writing it) is skipped
   * rather than ending the reader, which must go on reading what the node said before.
   */
  private void version(String[] parts) {
    try {
      long version = Long.parseLong(parts[0]);
      versionMillis.putIfAbsent(version, parts.length > 1 ? Long.parseLong(parts[1]) : System.currentTimeMillis());
      latestVersion = Math.max(latestVersion, version);
    } catch (NumberFormatException cutShort) {
      // nothing to learn from half a line
    }
  }

  private static Map<String, String> parse(String fields) {
    return Arrays.stream(fields.split(" "))
        .map(field -> field.split("=", 2))
        .filter(kv -> kv.length == 2)
        .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1], (a, b) -> b, LinkedHashMap::new));
  }
}
