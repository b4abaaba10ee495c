package com.ctcfile.token.fleet;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.core.TokenManager;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * One node of a fleet of Spring Boot applications, run as a JVM process of its own by
 * {@link NodeProcess}: a non-web Spring Boot application configured only by {@code ctc.token.*}
 * properties ({@code store=jdbc} on its {@code DataSource} bean, a HikariCP pool whose statements are
 * counted), so that ctc-token-spring-boot-starter makes its token manager, and threads calling the
 * {@code FakeCtcServer}'s protected endpoint through a {@code RestClient} from Spring Boot's builder,
 * as an application's request threads would.
 *
 * <p>Takes the arguments, environment and stdin/stdout protocol of {@link FleetNode} ({@code READY},
 * {@code GO}, {@code VERSION n}, {@code EVENT ...}, {@code STOP}, {@code RESULT ...}). Never prints a
 * token or the secret.
 */
public final class SpringBootFleetNode {

  private static final PrintStream OUT = System.out;
  private static final int MAX_REPORTED_FAILURES = 5;

  private final TokenManager manager;
  private final RestClient api;
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

  /** The node's application: Spring Boot's auto-configuration, the starter's among it; nothing scanned. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Application {}

  private SpringBootFleetNode(TokenManager manager, RestClient api, URI protectedUri, long paceMillis) {
    this.manager = manager;
    this.api = api;
    this.protectedUri = protectedUri;
    this.paceMillis = paceMillis;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    String nodeId = options.get("node");
    StatementCounter statements = new StatementCounter();
    EventCounts events = new EventCounts(line -> say("EVENT " + line));
    List<String> properties = new ArrayList<>(List.of(
        "--ctc.token.endpoint=" + options.get("endpoint"),
        "--ctc.token.client-id=" + options.get("clientId"),
        "--ctc.token.client-secret=" + requireEnv("CTC_FLEET_CLIENT_SECRET"),
        "--ctc.token.store=jdbc",
        "--ctc.token.jdbc.table-name=" + options.get("table"),
        "--ctc.token.jdbc.create-table=true",
        "--ctc.token.lease-duration=" + options.get("leaseMillis") + "ms",
        "--ctc.token.fetch-timeout=" + options.get("fetchTimeoutMillis") + "ms"));
    if (options.containsKey("refreshAheadMillis")) {
      properties.add("--ctc.token.refresh-ahead=" + options.get("refreshAheadMillis") + "ms");
    }
    String calls;
    try (HikariDataSource pool = new HikariDataSource(poolConfig(requireEnv("CTC_FLEET_JDBC_URL"), nodeId));
        ConfigurableApplicationContext app = new SpringApplicationBuilder(Application.class)
            .web(WebApplicationType.NONE)
            .bannerMode(Banner.Mode.OFF)
            .logStartupInfo(false)
            .initializers(context -> {
              context.getBeanFactory().registerSingleton("dataSource", statements.wrap(pool));
              // a TokenEventListener bean: the starter hands it to the manager it builds
              context.getBeanFactory().registerSingleton("fleetEvents", events);
            })
            .run(properties.toArray(String[]::new))) {
      SpringBootFleetNode node = new SpringBootFleetNode(app.getBean(TokenManager.class),
          app.getBean(RestClient.Builder.class).build(), URI.create(options.get("endpoint") + "/api/protected"),
          Long.parseLong(options.get("paceMillis")));
      calls = node.run(Integer.parseInt(options.get("threads")));
    }
    // after the context closed the manager: these counts are final
    say("RESULT " + calls + " " + String.join(" ",
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
      while ((command = stdin.readLine()) != null && !command.equals("STOP")) {
        // nothing else is said
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
      try {
        Thread.sleep(paceMillis);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One API call; what it ends with, after the interceptor's replay of a 401, is what counts. */
  private void call() {
    calls.incrementAndGet();
    String failure;
    try {
      int status = api.get().uri(protectedUri).exchange((request, response) -> {
        response.getBody().readAllBytes();
        return response.getStatusCode().value();
      });
      failure = status == 200 ? null : "status" + status;
    } catch (RuntimeException e) {
      failure = e.getClass().getSimpleName();
    }
    if (failure != null) {
      long n = failures.incrementAndGet();
      failureKinds.computeIfAbsent(failure, k -> new AtomicLong()).incrementAndGet();
      if (n <= MAX_REPORTED_FAILURES) {
        say("FAILURE " + System.currentTimeMillis() + " " + failure);
      }
    }
  }

  private void noteVersion() {
    synchronized (versionLock) {
      AccessToken token;
      try {
        token = manager.token();
      } catch (RuntimeException e) {
        failureKinds.computeIfAbsent("token:" + e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
        failures.incrementAndGet();
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

  static synchronized void say(String line) {
    OUT.println(line);
    OUT.flush();
  }

  private static HikariConfig poolConfig(String url, String nodeId) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setPoolName("spring-fleet-node-" + nodeId);
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(5_000);
    return config;
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
