package com.ctcfile.token.benchmarks;

import com.ctcfile.token.core.TokenRegistry;
import com.ctcfile.token.core.port.TokenStore;
import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.transport.httpclient5.HttpClient5Transport;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;

/**
 * The scale harness: one {@link TokenRegistry} holding many clients in this JVM, against a
 * {@link FakeCtcServer} on loopback that knows them all, through one owned {@link HttpClient5Transport}
 * and the in-memory store ({@code --store memory}) or a {@link JdbcTokenStore} on PostgreSQL
 * ({@code --store postgres}). It counts and weighs rather than times calls, so it is a plain program,
 * not a JMH benchmark; the hot path of a registry's provider is {@link RegistryHotPath}.
 *
 * <pre>
 * java -cp ctc-token-benchmarks/target/benchmarks.jar com.ctcfile.token.benchmarks.RegistryScale \
 *     [--clients 10000] [--store memory|postgres] [-p JDBC_URL] [--lifetime 90] [--threads 2] [--asking 64]
 * </pre>
 *
 * <p>What it reports, in this order:
 * <ol>
 *   <li><b>time until all clients hold a token</b>: from the first {@code provider(..)} call until
 *       the last client's {@code tokenAsync()} completed, {@code --asking} clients (default 64) asking
 *       at a time, as an application that starts its tenants with some parallelism would; with
 *       {@code --asking 0} all at once, and the first attempts that failed (the transport's pool has
 *       five connections to one host, and a fetch's timeout counts the wait for one) are asked again;
 *   <li><b>threads of the library</b> ({@code ctc-token-*}, by role) once every client holds its token,
 *       and after {@code close()};
 *   <li><b>retained heap per client</b>: the used heap after forced full collections with the registry
 *       and its tokens, minus the same before the registry was built, divided by the number of
 *       clients; less the token's own characters (one byte each: tokens are Latin-1 strings). Before
 *       the baseline, a warm-up registry has loaded and compiled every class, the server holds a token
 *       for every client (so its own heap stays the same while the registry fetches: each fetch
 *       replaces a token of the same size) and every client id and secret string exists. The class
 *       histograms of the live heap before and after ({@code GC.class_histogram}) show where the bytes
 *       per client go;
 *   <li><b>the renewal wave</b>: the start times of the first renewals ({@code fetchStarted} with
 *       reason {@code REFRESH_AHEAD}), and the most of them that started within any window of 1 % of
 *       the lifetime (a sliding window).
 * </ol>
 *
 * <p>PostgreSQL comes from {@code -p}, else {@code CTC_TEST_POSTGRES_URL}; without either,
 * {@code --store postgres} prints that it skipped and exits 0. The table is unique per run and dropped
 * at the end.
 */
public final class RegistryScale {

  private static final String LIBRARY_PREFIX = "ctc-token-";
  private static final Pattern ROLE = Pattern.compile("^" + LIBRARY_PREFIX + "([a-z0-9]+(?:-[a-z][a-z0-9]*)*)-\\d+(?:-.*)?$");
  private static final Pattern HISTOGRAM_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");
  private static final int WARM_UP_CLIENTS = 500;

  private final Options options;
  private final int warmUpClients;
  private final Map<String, String> report = new LinkedHashMap<>();
  private final List<CloseableHttpAsyncClient> ownClients = new ArrayList<>();

  private RegistryScale(Options options) {
    this.options = options;
    this.warmUpClients = Math.min(WARM_UP_CLIENTS, options.clients);
  }

  public static void main(String[] args) throws Exception {
    measure(args);
  }

  /**
   * Runs the harness with these command-line arguments, printing each figure as it is measured.
   *
   * @return the figures by name, in the order printed; {@code skipped} alone when there was nothing
   *     to measure (the usage was asked for, or PostgreSQL was asked for without a URL)
   */
  static Map<String, String> measure(String... args) throws Exception {
    Options options = Options.parse(args);
    if (options == null) {
      return Map.of("skipped", "usage");
    }
    if (options.store.equals("postgres") && options.postgresUrl == null) {
      System.out.println("RegistryScale --store postgres skipped: no PostgreSQL URL (pass -p JDBC_URL or set CTC_TEST_POSTGRES_URL)");
      return Map.of("skipped", "no PostgreSQL URL");
    }
    RegistryScale harness = new RegistryScale(options);
    harness.run();
    return harness.report;
  }

  private void run() throws Exception {
    int clients = options.clients;
    Duration lifetime = Duration.ofSeconds(options.lifetimeSeconds);
    line("date", Instant.now());
    line("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    line("processors", Runtime.getRuntime().availableProcessors());
    line("max heap MiB", Runtime.getRuntime().maxMemory() >> 20);
    line("load average at start", loadAverage());
    line("clients", clients);
    line("store", options.store);
    line("token lifetime s", options.lifetimeSeconds);
    line("registry threads", options.threads);
    line("connections to the server", options.connections == 0 ? "5 (HttpClient5Transport.create())" : options.connections);

    // every string the harness keeps exists before the baseline
    List<String> ids = new ArrayList<>(clients);
    List<String> secrets = new ArrayList<>(clients);
    Map<String, String> credentials = new LinkedHashMap<>();
    for (int i = 0; i < clients; i++) {
      ids.add("client-" + i);
      secrets.add("secret-of-client-" + i);
      credentials.put(ids.get(i), secrets.get(i));
    }
    for (int i = 0; i < warmUpClients; i++) {
      credentials.put("warm-up-" + i, "warm-up-secret-" + i);
    }
    FetchStarts starts = new FetchStarts(4 * clients);
    HikariDataSource pool = options.postgresUrl == null ? null : pool(options.postgresUrl);
    String table = "ctc_registry_scale_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    try (FakeCtcServer server = FakeCtcServer.builder().tokenLifetime(lifetime).clients(credentials).build().start()) {
      warmUp(server, pool, table + "_w");
      for (String id : ids) {
        server.issueTokenOutOfBand(id);
      }
      starts.reset();

      Map<String, Integer> threadsBefore = libraryThreads();
      // the histogram first, so that its own map is in both heap figures
      Map<String, long[]> histogramBefore = histogram();
      long heapBefore = usedHeapAfterGc();

      long began = System.nanoTime();
      TokenRegistry registry = registry(server, pool, table, starts);
      int firstAttemptFailures = acquire(registry, ids, secrets);
      long allHeld = System.nanoTime();
      int tokenLength = registry.provider(ids.get(0), secrets.get(0)).token().value().length();
      Map<String, Integer> threadsWithAll = libraryThreads();

      long heapAfter = usedHeapAfterGc();
      Map<String, long[]> histogramAfter = histogram();
      double perClient = (double) (heapAfter - heapBefore) / clients;

      Duration toAll = Duration.ofNanos(allHeld - began);
      line("clients asking at once", options.asking == 0 ? "all" : options.asking);
      line("time until all clients hold a token ms", toAll.toMillis());
      line("first attempts that failed", firstAttemptFailures);
      line("fetches per second while acquiring", String.format(Locale.ROOT, "%.0f", clients / (toAll.toNanos() / 1e9)));
      line("server fetches", server.fetches());
      line("library threads before the registry", threadsBefore);
      line("library threads with every client holding a token", threadsWithAll + " = " + total(threadsWithAll));
      line("used heap before / after MiB", String.format(Locale.ROOT, "%.1f / %.1f", heapBefore / 1048576.0, heapAfter / 1048576.0));
      line("retained heap per client B", String.format(Locale.ROOT, "%.0f", perClient));
      line("token length chars", tokenLength);
      line("retained heap per client beyond the token's characters B", String.format(Locale.ROOT, "%.0f", perClient - tokenLength));
      printHistogramDiff(histogramBefore, histogramAfter, clients);

      renewalWave(registry, lifetime, starts, clients, allHeld);

      long closing = System.nanoTime();
      registry.close();
      awaitNoLibraryThread();
      line("close ms", Duration.ofNanos(System.nanoTime() - closing).toMillis());
      line("library threads after close", libraryThreads());
      line("server fetches at the end", server.fetches());
    } finally {
      for (CloseableHttpAsyncClient client : ownClients) {
        client.close(CloseMode.GRACEFUL);
      }
      if (pool != null) {
        dropTables(pool, table, table + "_w");
        pool.close();
      }
    }
    line("load average at end", loadAverage());
  }

  /**
   * Asks every client for its token, {@code --asking} at a time (all at once with 0), then asks those
   * whose first attempt failed again, once a second, until every client holds a token.
   *
   * @return how many first attempts failed
   */
  private int acquire(TokenRegistry registry, List<String> ids, List<String> secrets) throws Exception {
    int clients = ids.size();
    Semaphore asking = new Semaphore(options.asking == 0 ? clients : options.asking);
    CompletableFuture<?>[] pending = new CompletableFuture<?>[clients];
    for (int i = 0; i < clients; i++) {
      asking.acquire();
      pending[i] = registry.provider(ids.get(i), secrets.get(i)).tokenAsync().toCompletableFuture()
          .whenComplete((token, failure) -> asking.release());
    }
    CompletableFuture.allOf(pending).exceptionally(failure -> null).get(10, TimeUnit.MINUTES);
    List<Integer> failed = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      if (pending[i].isCompletedExceptionally()) {
        failed.add(i);
      }
    }
    int firstAttemptFailures = failed.size();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!failed.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(1_000);
      List<Integer> still = new ArrayList<>();
      for (int i : failed) {
        try {
          registry.provider(ids.get(i), secrets.get(i)).tokenAsync().toCompletableFuture().get(1, TimeUnit.MINUTES);
        } catch (ExecutionException stillFailing) {
          still.add(i);
        }
      }
      failed = still;
    }
    if (!failed.isEmpty()) {
      throw new IllegalStateException(failed.size() + " clients hold no token after 5 minutes");
    }
    return firstAttemptFailures;
  }

  /** A registry of a few hundred other clients, fetched and closed: loads and compiles what the measured one runs. */
  private void warmUp(FakeCtcServer server, HikariDataSource pool, String table) throws Exception {
    try (TokenRegistry warmUp = registry(server, pool, table, new FetchStarts(0))) {
      CompletableFuture<?>[] pending = new CompletableFuture<?>[warmUpClients];
      for (int i = 0; i < warmUpClients; i++) {
        pending[i] = warmUp.provider("warm-up-" + i, "warm-up-secret-" + i).tokenAsync().toCompletableFuture();
      }
      CompletableFuture.allOf(pending).get(5, TimeUnit.MINUTES);
      for (int i = 0; i < warmUpClients; i++) {
        warmUp.provider("warm-up-" + i, "warm-up-secret-" + i).token();
      }
    }
    awaitNoLibraryThread();
  }

  private TokenRegistry registry(FakeCtcServer server, HikariDataSource pool, String table, FetchStarts starts) {
    TokenRegistry.Builder builder = TokenRegistry.builder()
        .endpoint(server.endpoint())
        .transport(transport())
        .threads(options.threads)
        .listener(starts);
    if (pool != null) {
      TokenStore store = JdbcTokenStore.builder(pool).tableName(table).createTableIfMissing(true).build();
      builder.store(store);
    }
    return builder.build();
  }

  /**
   * The transport's own client (five connections to one host), or with {@code --connections} a client
   * of the harness's with that many, to see whether the pool or the server limits the fetch rate. A
   * client of the harness's is closed with the harness; its threads are not named {@code ctc-token-*}.
   */
  private HttpClient5Transport transport() {
    if (options.connections == 0) {
      return HttpClient5Transport.create();
    }
    CloseableHttpAsyncClient client = HttpAsyncClients.custom()
        .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
            .setMaxConnPerRoute(options.connections).setMaxConnTotal(options.connections).build())
        .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build())
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableCookieManagement()
        .build();
    ownClients.add(client);
    return HttpClient5Transport.create(client);
  }

  private void renewalWave(TokenRegistry registry, Duration lifetime, FetchStarts starts, int clients, long allHeld)
      throws InterruptedException {
    // the first renewals are due at 80 % of the lifetime, up to 30 % of that sooner and a quarter of the
    // refresh-ahead window later; wait for all of them, or one lifetime after the last token came
    long deadline = allHeld + lifetime.toNanos();
    while (starts.refreshAheadStarts() < clients && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    Thread.sleep(1_000);
    long[] times = starts.refreshAheadTimes();
    long window = lifetime.toNanos() / 100;
    int most = 0;
    long mostAt = 0;
    int from = 0;
    for (int to = 0; to < times.length; to++) {
      while (times[to] - times[from] >= window) {
        from++;
      }
      if (to - from + 1 > most) {
        most = to - from + 1;
        mostAt = times[from];
      }
    }
    line("first renewals started (REFRESH_AHEAD)", times.length);
    if (times.length > 0) {
      line("first renewals from / to s after all tokens held", String.format(Locale.ROOT, "%.1f / %.1f",
          (times[0] - allHeld) / 1e9, (times[times.length - 1] - allHeld) / 1e9));
      line("most renewals started within 1 % of the lifetime", String.format(Locale.ROOT, "%d = %.2f %% of the clients (window %d ms, from %.1f s)",
          most, 100.0 * most / clients, window / 1_000_000, (mostAt - allHeld) / 1e9));
    }
    line("fetches failed", starts.failed());
    line("clients holding a valid token after the wave",
        registry.status().stream().filter(status -> status.hasValidToken()).count());
  }

  private static HikariDataSource pool(String url) throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setPoolName("registry-scale");
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(2);
    HikariDataSource pool = new HikariDataSource(config);
    try (Connection warm = pool.getConnection()) {
      warm.isValid(5);
    }
    return pool;
  }

  private static void dropTables(HikariDataSource pool, String... tables) {
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      for (String table : tables) {
        statement.execute("DROP TABLE IF EXISTS " + table);
      }
    } catch (SQLException e) {
      System.out.println("could not drop the tables: SQLState " + e.getSQLState());
    }
  }

  /** The live threads named {@code ctc-token-*}, counted by role (registry, httpclient5, jdbc-store, ...). */
  static Map<String, Integer> libraryThreads() {
    Map<String, Integer> roles = new TreeMap<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.isAlive() && thread.getName().startsWith(LIBRARY_PREFIX)) {
        Matcher role = ROLE.matcher(thread.getName());
        roles.merge(role.matches() ? role.group(1) : thread.getName(), 1, Integer::sum);
      }
    }
    return roles;
  }

  private static int total(Map<String, Integer> threads) {
    return threads.values().stream().mapToInt(Integer::intValue).sum();
  }

  private static void awaitNoLibraryThread() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (!libraryThreads().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  /** The used heap after full collections, once two in a row agree within 64 KiB. */
  static long usedHeapAfterGc() throws InterruptedException {
    long previous = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(200);
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (Math.abs(previous - used) < 64 * 1024) {
        return used;
      }
      previous = used;
    }
    return previous;
  }

  /** The class histogram of the live heap (a full collection first): class name to {instances, bytes}. */
  static Map<String, long[]> histogram() throws Exception {
    String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    Map<String, long[]> classes = new LinkedHashMap<>();
    for (String row : text.split("\n")) {
      Matcher line = HISTOGRAM_LINE.matcher(row);
      if (line.matches()) {
        classes.merge(line.group(3), new long[] {Long.parseLong(line.group(1)), Long.parseLong(line.group(2))},
            (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
      }
    }
    return classes;
  }

  private void printHistogramDiff(Map<String, long[]> before, Map<String, long[]> after, int clients) {
    List<Map.Entry<String, long[]>> grown = new ArrayList<>();
    long totalBytes = 0;
    for (Map.Entry<String, long[]> entry : after.entrySet()) {
      long[] was = before.getOrDefault(entry.getKey(), new long[2]);
      long[] diff = {entry.getValue()[0] - was[0], entry.getValue()[1] - was[1]};
      totalBytes += diff[1];
      grown.add(Map.entry(entry.getKey(), diff));
    }
    grown.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
    line("live heap growth by class histogram per client B", String.format(Locale.ROOT, "%.0f", (double) totalBytes / clients));
    System.out.println("largest contributors per client (instances, bytes):");
    for (Map.Entry<String, long[]> entry : grown.subList(0, Math.min(25, grown.size()))) {
      System.out.printf(Locale.ROOT, "  %8.2f %8.1f  %s%n", (double) entry.getValue()[0] / clients,
          (double) entry.getValue()[1] / clients, entry.getKey());
    }
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private void line(String name, Object value) {
    report.put(name, String.valueOf(value));
    System.out.println(name + ": " + value);
  }

  /** The command line. */
  static final class Options {
    int clients = 10_000;
    String store = "memory";
    String postgresUrl;
    long lifetimeSeconds = 90;
    int threads = 2;
    int asking = 64;
    int connections;

    /** The options, or null after printing the usage. */
    static Options parse(String[] args) {
      Options options = new Options();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--clients":
            options.clients = Integer.parseInt(value(args, ++i, arg));
            break;
          case "--store":
            options.store = value(args, ++i, arg);
            if (!options.store.equals("memory") && !options.store.equals("postgres")) {
              throw new IllegalArgumentException("--store is memory or postgres: " + options.store);
            }
            break;
          case "-p":
          case "--postgres-url":
            options.postgresUrl = value(args, ++i, arg);
            break;
          case "--lifetime":
            options.lifetimeSeconds = Long.parseLong(value(args, ++i, arg));
            break;
          case "--asking":
            options.asking = Integer.parseInt(value(args, ++i, arg));
            break;
          case "--connections":
            options.connections = Integer.parseInt(value(args, ++i, arg));
            break;
          case "--threads":
            options.threads = Integer.parseInt(value(args, ++i, arg));
            break;
          case "-h":
          case "--help":
            System.out.println("RegistryScale [--clients N] [--store memory|postgres] [-p JDBC_URL] [--lifetime SECONDS] [--threads 1..4] [--asking N, 0 = all at once] [--connections N]");
            return null;
          default:
            throw new IllegalArgumentException("unknown option " + arg + " (try --help)");
        }
      }
      if (options.store.equals("postgres") && options.postgresUrl == null) {
        String fromEnvironment = System.getenv("CTC_TEST_POSTGRES_URL");
        options.postgresUrl = fromEnvironment == null || fromEnvironment.isBlank() ? null : fromEnvironment;
      }
      if (options.store.equals("memory")) {
        options.postgresUrl = null;
      }
      if (options.clients < 1 || options.lifetimeSeconds < 2) {
        throw new IllegalArgumentException("--clients must be positive and --lifetime at least 2 s");
      }
      return options;
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }
  }
}
