package com.ctcfile.token.cli.demo;

import com.ctcfile.token.core.TokenStatus;
import com.ctcfile.token.cli.demo.NodeStats.NodeTally;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The demo: a strict token server on loopback, one H2 database file, and four services on one
 * clientId (Apache HttpClient 5, Vert.x, Micronaut, Spring Boot), each with its own token manager and
 * {@code JdbcTokenStore} on the shared database, calling the server's protected API through its
 * bearer integration for a while. It shows a live progress line, then a table per node, and passes
 * when the fleet fetched at most one token per renewal cycle (plus the first) and no call failed.
 *
 * <p>Not thread-safe; one run per instance.
 */
public final class Demo {

  static final String TABLE = "ctc_access_token";
  private static final String CLIENT_ID = "ctc-token-demo";
  // how long stopped callers may take to finish their last call (a call waits at most a fetch plus a lease)
  private static final Duration STOP_GRACE = Duration.ofSeconds(45);

  private final Settings settings;
  private final PrintWriter out;
  private final boolean interactive;
  private final Symbols symbols;

  /**
   * @param out where the progress and the summary go
   * @param interactive whether {@code out} is a terminal: then one progress line is redrawn in place,
   *     otherwise a line is added now and then
   * @param unicode whether {@code out} can show ✓ and ≤
   */
  public Demo(Settings settings, PrintWriter out, boolean interactive, boolean unicode) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.out = Objects.requireNonNull(out, "out");
    this.interactive = interactive;
    this.symbols = Symbols.of(unicode);
  }

  /**
   * What to run.
   *
   * @param duration how long the nodes call
   * @param lifetime the token lifetime the server issues, whole seconds
   * @param callersPerNode calls each node keeps going at once
   * @param pause the pause between two calls of one caller
   */
  public record Settings(Duration duration, Duration lifetime, int callersPerNode, Duration pause) {

    public Settings {
      Objects.requireNonNull(duration, "duration");
      Objects.requireNonNull(lifetime, "lifetime");
      Objects.requireNonNull(pause, "pause");
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("duration must be positive");
      }
      if (lifetime.toMillis() < 1000 || lifetime.toMillis() % 1000 != 0) {
        throw new IllegalArgumentException("lifetime must be a whole number of seconds, at least 1 s");
      }
      if (callersPerNode < 1) {
        throw new IllegalArgumentException("callersPerNode must be at least 1");
      }
      if (pause.isNegative()) {
        throw new IllegalArgumentException("pause must not be negative");
      }
    }

    /** The library's default: the smaller of 5 minutes and 20 % of the lifetime. */
    public Duration refreshAhead() {
      Duration fifth = lifetime.dividedBy(5);
      return fifth.compareTo(Duration.ofMinutes(5)) < 0 ? fifth : Duration.ofMinutes(5);
    }

    /** One renewal cycle: a token is used for this long before the next one is fetched. */
    public Duration cycle() {
      return lifetime.minus(refreshAhead());
    }
  }

  /**
   * Runs the demo and prints its outcome.
   *
   * @return whether the run passed: fetches within cycles + 1, no failed call, calls on every node
   */
  public boolean run() throws IOException, InterruptedException {
    // The JDK's HttpServer, under FakeCtcServer, writes a reply's head and body apart; without
    // TCP_NODELAY each keep-alive call then waits out the client's delayed ACK (40 ms). Read once, at
    // the server's first use in this JVM, so it cannot be set for one server alone.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    Path directory = Files.createTempDirectory("ctc-token-demo-");
    try (FakeCtcServer server = FakeCtcServer.builder()
             .clientId(CLIENT_ID)
             .tokenLifetime(settings.lifetime())
             .build()
             .start();
         HikariDataSource database = database(directory)) {
      NodeSetup setup = new NodeSetup(server.endpoint(), server.clientId(), server.clientSecret(),
          settings.refreshAhead(), database, TABLE, settings.callersPerNode());
      printHeader(server, directory);
      List<DemoNode> nodes = new ArrayList<>();
      Summary summary;
      try {
        nodes.add(new HttpClient5Node(setup));
        nodes.add(new VertxNode(setup));
        nodes.add(new MicronautNode(setup));
        nodes.add(new SpringNode(setup));
        summary = callAndCount(server, nodes);
      } finally {
        for (int i = nodes.size() - 1; i >= 0; i--) {
          nodes.get(i).close();
        }
      }
      summary.print(out, symbols);
      return summary.passed();
    } finally {
      deleteQuietly(directory);
    }
  }

  private Summary callAndCount(FakeCtcServer server, List<DemoNode> nodes) throws InterruptedException {
    Callers callers = new Callers(nodes.size() * settings.callersPerNode(), settings.pause());
    long start = System.nanoTime();
    for (DemoNode node : nodes) {
      node.start(callers, settings.callersPerNode());
    }
    long deadline = start + settings.duration().toNanos();
    long tick = interactive ? Duration.ofMillis(250).toNanos() : plainLineInterval().toNanos();
    long next = start + tick;
    String shown = "";
    while (true) {
      long now = System.nanoTime();
      if (now - deadline >= 0) {
        break;
      }
      Thread.sleep(Math.max(1, Math.min(next, deadline) - now) / 1_000_000 + 1);
      now = System.nanoTime();
      if (now - next >= 0 && now - deadline < 0) {
        shown = progress(server, nodes, Duration.ofNanos(now - start), shown);
        next += tick;
      }
    }
    callers.stop();
    boolean stopped = callers.awaitFinished(STOP_GRACE);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    List<NodeTally> tallies = nodes.stream().map(node -> node.stats().tally()).toList();
    List<String> statuses = nodes.stream().map(node -> String.format(Locale.ROOT, "%-12s %s", node.stats().name(), node.status())).toList();
    int issued = server.fetches();
    progress(server, nodes, elapsed, shown);
    if (interactive) {
      out.println();
    }
    if (!stopped) {
      out.println("(some callers were still in a call " + TokenStatus.describe(STOP_GRACE) + " after the end)");
    }
    return new Summary(settings, elapsed, tallies, issued, server.accepted(), server.rejected(), statuses);
  }

  /** Prints the progress line; on a terminal it overwrites the previous one. */
  private String progress(FakeCtcServer server, List<DemoNode> nodes, Duration elapsed, String previous) {
    long calls = 0;
    long healed = 0;
    long failures = 0;
    for (DemoNode node : nodes) {
      NodeTally tally = node.stats().tally();
      calls += tally.calls();
      healed += tally.healed();
      failures += tally.failures();
    }
    String line = String.format(Locale.ROOT,
        "  %6.1f s | lifetimes %4.1f | fetches %3d | calls %,8d | 401s healed %,5d | failures %,d",
        elapsed.toMillis() / 1000.0, (double) elapsed.toMillis() / settings.lifetime().toMillis(), server.fetches(),
        calls, healed, failures);
    if (interactive) {
      String padding = " ".repeat(Math.max(0, previous.length() - line.length()));
      out.print("\r" + line + padding);
    } else {
      out.println(line);
    }
    out.flush();
    return line;
  }

  /** Off a terminal, a line per token lifetime, and at least one every 5 s. */
  private Duration plainLineInterval() {
    Duration fiveSeconds = Duration.ofSeconds(5);
    return settings.lifetime().compareTo(fiveSeconds) < 0 ? settings.lifetime() : fiveSeconds;
  }

  private void printHeader(FakeCtcServer server, Path directory) {
    out.println("ctc-token demo: four services on one clientId share one token through one database");
    out.println();
    out.println("  token server    FakeCtcServer at " + server.endpoint()
        + ", strict: every fetch invalidates the previous token");
    out.println("  token lifetime  " + TokenStatus.describe(settings.lifetime()) + "; renewed "
        + TokenStatus.describe(settings.refreshAhead()) + " before expiry (the default, 20 %), so one renewal cycle is "
        + TokenStatus.describe(settings.cycle()));
    out.println("  shared store    H2 file " + directory.resolve("tokens") + ", table " + TABLE
        + "; each node has its own JdbcTokenStore on one pool");
    out.println("  nodes           httpclient5  Apache HttpClient 5 classic client + CtcBearerAuth");
    out.println("                  vertx        Vert.x 5 WebClient + CtcBearerAuth, calls chained on the event loop");
    out.println("                  micronaut    Micronaut 4 @Client + CtcBearerFilter, from ctc.token.* properties"
        + " (store=jdbc)");
    out.println("                  spring       Spring Boot 4 RestClient + CtcBearerInterceptor, from ctc.token.*"
        + " properties (store=jdbc)");
    out.println("  load            " + settings.callersPerNode() + " callers per node on GET /api/protected, "
        + TokenStatus.describe(settings.pause()) + " between calls, for " + TokenStatus.describe(settings.duration()));
    out.println();
    out.flush();
  }

  private static HikariDataSource database(Path directory) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("ctc-token-demo");
    // one process, so no server mode: the four nodes share this pool as four services share a database
    config.setJdbcUrl("jdbc:h2:file:" + directory.resolve("tokens") + ";AUTO_SERVER=FALSE");
    config.setUsername("sa");
    config.setPassword("");
    config.setMaximumPoolSize(8);
    return new HikariDataSource(config);
  }

  private static void deleteQuietly(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // a temporary directory left behind is no reason to fail the demo
    }
  }
}
