package com.ctcfile.token.fleet;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenManagerBuilder;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import com.ctcfile.token.transport.httpclient5.CtcBearerAuth;
import com.ctcfile.token.transport.httpclient5.HttpClient5Transport;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * One node of a fleet, run as a JVM process of its own by {@link NodeProcess}: a {@link TokenManager}
 * on a {@link JdbcTokenStore} (a HikariCP pool, its statements counted), and threads calling the
 * {@code FakeCtcServer}'s protected endpoint through {@link CtcBearerAuth} on an HttpClient 5 classic
 * client, as an application would.
 *
 * <p>Arguments are {@code key=value}: {@code node}, {@code table}, {@code endpoint}, {@code clientId},
 * {@code threads}, {@code paceMillis}, {@code leaseMillis}, {@code fetchTimeoutMillis} and optionally
 * {@code refreshAheadMillis}, {@code storeTimeoutMillis}, {@code settleMillis},
 * {@code backoffMinMillis} with {@code backoffMaxMillis}, {@code queryTimeoutSeconds} (the store's)
 * and {@code connectionTimeoutMillis} (the pool's). The client secret and the JDBC URL (which may hold
 * a database password) come from the environment, {@code CTC_FLEET_CLIENT_SECRET} and
 * {@code CTC_FLEET_JDBC_URL}, never from the command line, which any user of the machine can list.
 *
 * <p>Talks on stdin and stdout, one line each, times in wall-clock milliseconds: it prints
 * {@code READY}, starts calling on {@code GO} (and prints every thread's stack to stderr on
 * {@code DUMP}), prints {@code VERSION <n> <millis>} whenever the token
 * version it sees changes, {@code FAILURE <millis> <kind>} for each call that still failed after the
 * integration's one replay, {@code RECOVERED <millis>} for the first call accepted after failures, and
 * {@code EVENT <millis> ...} for each event of its manager (fetches, adoptions, lost leases, store
 * failures); on {@code STOP} (or the end of stdin) it stops its callers, closes the manager (noting
 * whether it held the fleet's lease then and how long {@code close()} took), waits up to 5 s for the
 * threads the library started to end, and prints {@code RESULT key=value...}: calls, calls that still
 * failed after the replay, versions that went backwards, the versions seen in order, the manager's
 * events, the statements its store ran, and the library's threads still alive. Never prints a token or
 * the secret.
 */
public final class FleetNode {

  private static final PrintStream OUT = System.out;
  private static final int MAX_REPORTED_FAILURES = 5_000;
  // the threads the library starts: the manager's timer, the JDBC store's, the HttpClient 5 transport's
  private static final List<String> LIBRARY_THREADS = List.of("ctc-token-timer-", "ctc-token-jdbc-store-",
      "ctc-token-httpclient5-");
  private static final Duration THREADS_GRACE = Duration.ofSeconds(5);

  private final TokenManager manager;
  private final CloseableHttpClient http;
  private final URI protectedUri;
  private final long paceMillis;

  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final Map<String, AtomicLong> failureKinds = new ConcurrentHashMap<>();
  private final Object versionLock = new Object();
  private final List<Long> versionsSeen = new ArrayList<>();
  private long lastVersion;
  private long backwards;
  private volatile boolean running = true;
  private volatile boolean failing;

  private FleetNode(TokenManager manager, CloseableHttpClient http, URI protectedUri, long paceMillis) {
    this.manager = manager;
    this.http = http;
    this.protectedUri = protectedUri;
    this.paceMillis = paceMillis;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    String nodeId = options.get("node");
    String secret = requireEnv("CTC_FLEET_CLIENT_SECRET");
    URI endpoint = URI.create(options.get("endpoint"));
    int threads = Integer.parseInt(options.get("threads"));

    StatementCounter statements = new StatementCounter();
    EventCounts events = new EventCounts(line -> say("EVENT " + line));
    String calls;
    boolean leaseAtClose;
    long closeMillis;
    String threadsLeft;
    long threadsGoneMillis;
    long connectionTimeout = Long.parseLong(options.getOrDefault("connectionTimeoutMillis", "5000"));
    try (HikariDataSource pool = new HikariDataSource(poolConfig(requireEnv("CTC_FLEET_JDBC_URL"), nodeId,
        connectionTimeout))) {
      JdbcTokenStore.Builder store = JdbcTokenStore.builder(statements.wrap(pool))
          .tableName(options.get("table"))
          .createTableIfMissing(true);
      if (options.containsKey("queryTimeoutSeconds")) {
        store.queryTimeout(Duration.ofSeconds(Long.parseLong(options.get("queryTimeoutSeconds"))));
      }
      JdbcTokenStore tokenStore = store.build();
      // connected, and the table checked or made, before READY: a cold start is not what a test measures
      tokenStore.read(TokenKey.of(endpoint, options.get("clientId"))).toCompletableFuture().join();
      TokenManagerBuilder builder = TokenManager.builder()
          .endpoint(endpoint)
          .clientId(options.get("clientId"))
          .clientSecret(secret)
          .transport(HttpClient5Transport.create())
          .store(tokenStore)
          .leaseDuration(millis(options, "leaseMillis"))
          .fetchTimeout(millis(options, "fetchTimeoutMillis"))
          .nodeId(nodeId)
          .listener(events);
      if (options.containsKey("refreshAheadMillis")) {
        builder.refreshAhead(millis(options, "refreshAheadMillis"));
      }
      if (options.containsKey("storeTimeoutMillis")) {
        builder.storeTimeout(millis(options, "storeTimeoutMillis"));
      }
      if (options.containsKey("settleMillis")) {
        builder.settlePeriod(millis(options, "settleMillis"));
      }
      if (options.containsKey("backoffMinMillis")) {
        builder.retryBackoff(millis(options, "backoffMinMillis"), millis(options, "backoffMaxMillis"));
      }
      TokenManager manager = builder.build();
      CloseableHttpClient http = CtcBearerAuth.builder(manager).host(endpoint.getHost()).build()
          .install(HttpClients.custom())
          .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
              .setMaxConnPerRoute(threads).setMaxConnTotal(threads).build())
          .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.ofSeconds(30)).build())
          .build();
      try {
        FleetNode node = new FleetNode(manager, http, URI.create(endpoint + "/api/protected"),
            Long.parseLong(options.get("paceMillis")));
        calls = node.run(threads);
      } finally {
        http.close();
        leaseAtClose = manager.status().holdsLease();
        long closing = System.nanoTime();
        manager.close();
        closeMillis = (System.nanoTime() - closing) / 1_000_000;
      }
      // before the pool closes: its own threads are not the library's, and a pool may wait for a stuck connection
      long waiting = System.nanoTime();
      List<String> left = libraryThreads();
      while (!left.isEmpty() && System.nanoTime() - waiting < THREADS_GRACE.toNanos()) {
        Thread.sleep(50);
        left = libraryThreads();
      }
      threadsGoneMillis = left.isEmpty() ? (System.nanoTime() - waiting) / 1_000_000 : -1;
      threadsLeft = left.isEmpty() ? "-" : String.join(",", left);
    }
    // after close: the manager renews no more, so these counts are final
    say("RESULT " + calls + " " + String.join(" ",
        "leaseAtClose=" + leaseAtClose,
        "closeMillis=" + closeMillis,
        "threadsLeft=" + threadsLeft,
        "threadsGoneMillis=" + threadsGoneMillis,
        "storeTimeouts=" + events.storeTimeouts(),
        "foreignFetchSuspected=" + events.foreignFetchSuspected(),
        "fetches=" + events.fetches(),
        "adopted=" + events.adopted(),
        "leaseLost=" + events.leaseLost(),
        "storeFailed=" + events.storeFailed(),
        "fetchReasons=" + events.fetchReasons(),
        "shortestRefetchMillis=" + events.shortestRefetchMillis(),
        "queries=" + statements.queries(),
        "updates=" + statements.updates()));
    System.exit(0);
  }

  /** Calls from {@code GO} to {@code STOP}; a summary of the calls, or of none when stdin ended first. */
  private String run(int threads) throws Exception {
    say("READY");
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String command = stdin.readLine();
    List<Thread> callers = new ArrayList<>();
    if ("GO".equals(command)) {
      for (int i = 0; i < threads; i++) {
        Thread caller = new Thread(this::callLoop, "caller-" + i);
        callers.add(caller);
        caller.start();
      }
      // until STOP, or stdin closing because the test JVM went away; DUMP prints every thread's stack to stderr
      while ((command = stdin.readLine()) != null && !command.equals("STOP")) {
        if (command.equals("DUMP")) {
          dumpThreads();
        }
      }
    }
    running = false;
    for (Thread caller : callers) {
      caller.join(TimeUnit.SECONDS.toMillis(40));
    }
    String failed = failureKinds.entrySet().stream()
        .map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
    synchronized (versionLock) {
      return String.join(" ",
          "calls=" + calls,
          "failures=" + failures,
          "backwards=" + backwards,
          "versions=" + (versionsSeen.isEmpty() ? "-"
              : versionsSeen.stream().map(String::valueOf).collect(Collectors.joining(","))),
          "failureKinds=" + (failed.isEmpty() ? "-" : failed));
    }
  }

  private void callLoop() {
    while (running) {
      call();
      noteVersion();
      if (paceMillis > 0) {
        try {
          Thread.sleep(paceMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** One API call; what it ends with, after the integration's replay of a 401, is what counts. */
  private void call() {
    calls.incrementAndGet();
    String failure;
    try {
      int status = http.execute(new HttpGet(protectedUri), response -> {
        EntityUtils.consume(response.getEntity());
        return response.getCode();
      });
      failure = status == 200 ? null : "status" + status;
    } catch (Exception e) {
      failure = e.getClass().getSimpleName();
    }
    if (failure != null) {
      failing = true;
      long n = failures.incrementAndGet();
      failureKinds.computeIfAbsent(failure, k -> new AtomicLong()).incrementAndGet();
      if (n <= MAX_REPORTED_FAILURES) {
        say("FAILURE " + System.currentTimeMillis() + " " + failure);
      }
    } else if (failing) {
      failing = false;
      say("RECOVERED " + System.currentTimeMillis());
    }
  }

  /**
   * Reads the manager's token under one lock shared by all callers, so successive readings are in
   * real-time order and a version lower than an earlier one is a version that went backwards.
   */
  private void noteVersion() {
    synchronized (versionLock) {
      AccessToken token;
      try {
        token = manager.token();
      } catch (RuntimeException e) {
        String failure = "token:" + e.getClass().getSimpleName();
        failureKinds.computeIfAbsent(failure, k -> new AtomicLong()).incrementAndGet();
        if (failures.incrementAndGet() <= MAX_REPORTED_FAILURES) {
          say("FAILURE " + System.currentTimeMillis() + " " + failure);
        }
        return;
      }
      long version = token.version();
      if (version < lastVersion) {
        backwards++;
      } else if (version > lastVersion) {
        lastVersion = version;
        versionsSeen.add(version);
        say("VERSION " + version + " " + System.currentTimeMillis());
      }
    }
  }

  /** Every thread's name, state and stack, to stderr: what a test that waited in vain shows. */
  private static void dumpThreads() {
    StringBuilder dump = new StringBuilder("THREADS\n");
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      dump.append(thread.getName()).append(' ').append(thread.getState()).append('\n');
      for (StackTraceElement frame : stack) {
        dump.append("    at ").append(frame).append('\n');
      }
    });
    System.err.print(dump);
    System.err.flush();
  }

  static synchronized void say(String line) {
    OUT.println(line);
    OUT.flush();
  }

  private static HikariConfig poolConfig(String url, String nodeId, long connectionTimeoutMillis) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setPoolName("fleet-node-" + nodeId);
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(connectionTimeoutMillis);
    config.setValidationTimeout(Math.min(connectionTimeoutMillis, 1_000));
    return config;
  }

  /**
   * The library's threads alive now, each as {@code name@class}, the class being the innermost frame
   * outside the JDK: where a thread that will not end is stuck.
   */
  private static List<String> libraryThreads() {
    List<String> alive = new ArrayList<>();
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      if (thread.isAlive() && LIBRARY_THREADS.stream().anyMatch(prefix -> thread.getName().startsWith(prefix))) {
        String where = Arrays.stream(stack).map(StackTraceElement::getClassName)
            .filter(name -> !name.startsWith("java.") && !name.startsWith("jdk.") && !name.startsWith("sun."))
            .findFirst().orElse("jdk");
        alive.add(thread.getName() + "@" + where);
      }
    });
    alive.sort(null);
    return alive;
  }

  private static Duration millis(Map<String, String> options, String key) {
    return Duration.ofMillis(Long.parseLong(options.get(key)));
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("arguments are key=value: " + arg);
      }
      options.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    return options;
  }

  private static String requireEnv(String name) {
    String value = System.getenv(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException(name + " is not set");
    }
    return value;
  }
}
