package com.ctcfile.token.fleet;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenManagerBuilder;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.testkit.FaultInjectingDataSource;
import com.ctcfile.token.transport.httpclient5.CtcBearerAuth;
import com.ctcfile.token.transport.httpclient5.HttpClient5Transport;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * One node of a fleet in this JVM, as an application runs it: a {@link TokenManager} with a
 * {@link JdbcTokenStore} of its own on a HikariCP pool, behind a {@link FaultInjectingDataSource} the
 * test arms, an {@link HttpClient5Transport}, and caller threads calling the {@link FakeCtcServer}'s
 * protected endpoint through {@link CtcBearerAuth} on an HttpClient 5 classic client, so 401s and
 * their replays are real. It records what every call ended with ({@link #calls()}), the tokens its
 * callers were handed, in order, and the manager's events ({@link #events()}).
 *
 * <p>Everything the node does runs in a {@link ThreadGroup} of its own, and threads inherit their
 * creator's group: the threads the library starts for this node (its timer, its store's SQL and
 * watchdog threads, its transport's I/O thread) are in that group and no other node's, so
 * {@link #libraryThreads()} tells them apart although the test classes of this module share one JVM.
 * The test thread must therefore not be the first to touch the manager: {@link #warmUp()} does that
 * inside the group.
 *
 * <p>Thread-safe. {@link #close()} stops the callers and closes the client, the manager and the pool.
 */
final class InProcessNode implements AutoCloseable {

  /** The name prefixes of the threads the library starts: manager timer, JDBC store, HttpClient 5 transport. */
  static final List<String> LIBRARY_THREADS = List.of("ctc-token-timer-", "ctc-token-jdbc-store-",
      "ctc-token-httpclient5-");

  /** A token a node's caller was handed, and when. */
  record Seen(long nanos, long version, String value) {}

  private final String name;
  private final ThreadGroup group;
  private final HikariDataSource pool;
  private final FaultInjectingDataSource faults;
  private final TokenManager manager;
  private final CloseableHttpClient http;
  private final URI api;
  private final EventCounts events;
  private final CallLog calls = new CallLog();
  private final List<Thread> callers = new ArrayList<>();
  private final Object tokenLock = new Object();
  private final List<Seen> seen = new ArrayList<>();
  private long lastVersion;
  private long backwards;
  private volatile String heldValue;
  private volatile boolean calling;
  private volatile boolean closed;
  private volatile long closeMillis = -1;

  private InProcessNode(String name, ThreadGroup group, HikariDataSource pool, FaultInjectingDataSource faults,
      EventCounts events, TokenManager manager, CloseableHttpClient http, URI api) {
    this.name = name;
    this.events = events;
    this.group = group;
    this.pool = pool;
    this.faults = faults;
    this.manager = manager;
    this.http = http;
    this.api = api;
  }

  /**
   * Builds a node on {@code table} (created if missing, the store's first read done) whose manager is
   * customised by {@code customize}, inside a thread group of its own; nothing is fetched yet.
   */
  static InProcessNode start(String name, FleetDatabase database, FakeCtcServer server, String table,
      UnaryOperator<TokenManagerBuilder> customize) {
    ThreadGroup group = new ThreadGroup("fleet-node-" + name);
    group.setDaemon(false); // a daemon group is destroyed with its last thread, and a later one could not join it
    EventCounts events = new EventCounts();
    return inGroup(group, name + "-start", () -> {
      HikariDataSource pool = database.pool(database.url(), AbstractInProcessFleetTest.uniqueName("fault-" + name),
          Duration.ofSeconds(5));
      try {
        FaultInjectingDataSource faults = FaultInjectingDataSource.wrap(pool);
        JdbcTokenStore store = JdbcTokenStore.builder(faults).tableName(table).createTableIfMissing(true).build();
        store.read(TokenKey.of(server.endpoint(), server.clientId())).toCompletableFuture().join();
        TokenManager manager = customize.apply(TokenManager.builder()
                .endpoint(server.endpoint())
                .clientId(server.clientId())
                .clientSecret(server.clientSecret())
                .transport(HttpClient5Transport.create())
                .store(store)
                .nodeId(AbstractInProcessFleetTest.uniqueName(name))
                .listener(events))
            .build();
        CloseableHttpClient http = CtcBearerAuth.builder(manager).host(server.endpoint().getHost()).build()
            .install(HttpClients.custom())
            .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnPerRoute(4).setMaxConnTotal(4).build())
            .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.ofSeconds(30)).build())
            .build();
        return new InProcessNode(name, group, pool, faults, events, manager, http, server.protectedUri());
      } catch (RuntimeException e) {
        pool.close();
        throw e;
      }
    });
  }

  String name() {
    return name;
  }

  TokenManager manager() {
    return manager;
  }

  /** The fault-injecting data source under this node's store. */
  FaultInjectingDataSource faults() {
    return faults;
  }

  /** The manager's events. */
  EventCounts events() {
    return events;
  }

  CallLog calls() {
    return calls;
  }

  /** The node's first {@code token()}, inside its thread group, so the library's threads start there. */
  AccessToken warmUp() {
    return inGroup(group, name + "-warm-up", manager::token);
  }

  /** Starts {@code threads} callers, each calling the API every {@code pace}, until {@link #stopCalling()}. */
  void startCalling(int threads, Duration pace) {
    calling = true;
    for (int i = 0; i < threads; i++) {
      Thread caller = new Thread(group, () -> {
        while (calling) {
          call();
          noteToken();
          AbstractInProcessFleetTest.sleep(pace);
        }
      }, name + "-caller-" + i);
      caller.setDaemon(true);
      callers.add(caller);
      caller.start();
    }
  }

  void stopCalling() {
    calling = false;
    for (Thread caller : callers) {
      try {
        caller.join(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    callers.clear();
  }

  /** The token this node's callers were handed last; {@code null} before the first. */
  String heldValue() {
    return heldValue;
  }

  /** The tokens this node's callers were handed, each when it was first handed out, in order. */
  List<Seen> seen() {
    synchronized (tokenLock) {
      return List.copyOf(seen);
    }
  }

  /** How often a caller was handed a lower version than one handed out before. */
  long backwards() {
    synchronized (tokenLock) {
      return backwards;
    }
  }

  /** The highest version handed out so far. */
  long latestVersion() {
    synchronized (tokenLock) {
      return lastVersion;
    }
  }

  /** The library's threads of this node still alive (see the class documentation). */
  List<Thread> libraryThreads() {
    Thread[] all = new Thread[group.activeCount() + 32];
    int n = group.enumerate(all, true);
    return Arrays.stream(all, 0, n).filter(Thread::isAlive)
        .filter(thread -> LIBRARY_THREADS.stream().anyMatch(prefix -> thread.getName().startsWith(prefix)))
        .toList();
  }

  /** Which of {@link #LIBRARY_THREADS} have a live thread in this node now. */
  List<String> libraryThreadKinds() {
    List<Thread> alive = libraryThreads();
    return LIBRARY_THREADS.stream()
        .filter(prefix -> alive.stream().anyMatch(thread -> thread.getName().startsWith(prefix))).toList();
  }

  /** How long {@link TokenManager#close()} took, in milliseconds; -1 before {@link #close()}. */
  long closeMillis() {
    return closeMillis;
  }

  /** Stops the callers, then closes the HTTP client, the manager (timing it) and the pool. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopCalling();
    try {
      http.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      long started = System.nanoTime();
      manager.close();
      closeMillis = (System.nanoTime() - started) / 1_000_000;
      pool.close();
    }
  }

  @Override
  public String toString() {
    return "node " + name;
  }

  /** One API call, as an application makes it; what it ends with after the integration's replay is what counts. */
  private void call() {
    long started = System.nanoTime();
    String failure;
    try {
      int status = http.execute(new HttpGet(api), response -> {
        EntityUtils.consume(response.getEntity());
        return response.getCode();
      });
      failure = status == 200 ? null : "status" + status;
    } catch (Exception e) {
      failure = e.getClass().getSimpleName();
    }
    calls.record(started, System.nanoTime(), failure);
  }

  /** What {@code token()} hands out now, under one lock so successive readings are in real-time order. */
  private void noteToken() {
    synchronized (tokenLock) {
      AccessToken token;
      try {
        token = manager.token();
      } catch (RuntimeException e) {
        return; // the call just made has recorded the failure, if it was one
      }
      if (token.version() < lastVersion) {
        backwards++;
      }
      lastVersion = Math.max(lastVersion, token.version());
      if (!token.value().equals(heldValue)) {
        seen.add(new Seen(System.nanoTime(), token.version(), token.value()));
        heldValue = token.value();
      }
    }
  }

  /** Runs {@code work} on a new thread of {@code group} and waits for it; its failure is rethrown here. */
  private static <T> T inGroup(ThreadGroup group, String threadName, Callable<T> work) {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread = new Thread(group, () -> {
      try {
        result.set(work.call());
      } catch (Throwable e) {
        failure.set(e);
      }
    }, threadName);
    thread.start();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + threadName + " ran", e);
    }
    Throwable failed = failure.get();
    if (failed instanceof RuntimeException) {
      throw (RuntimeException) failed;
    }
    if (failed instanceof Error) {
      throw (Error) failed;
    }
    if (failed != null) {
      throw new IllegalStateException(threadName + " failed", failed);
    }
    return result.get();
  }
}
