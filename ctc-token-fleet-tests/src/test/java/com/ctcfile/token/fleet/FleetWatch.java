package com.ctcfile.token.fleet;

import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.core.port.TokenStore;
import com.ctcfile.token.testkit.FakeCtcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Watches a fleet from outside, every few milliseconds, on a daemon thread: which token the server
 * accepts, what the store's row says (read through a store of the watch's own, so in the database's
 * clock), and which token each node's callers were handed last. The samples answer when the fleet
 * recovered from a fault, and whether the store ever offered, unleased, a token the server no longer
 * accepts. Thread-safe. Never prints a token.
 */
final class FleetWatch implements AutoCloseable {

  /** One look at the fleet. {@code row} is empty before the first lease; server tokens are empty when none is valid. */
  record Sample(long nanos, Optional<String> serverBefore, Optional<StoredToken> row, Optional<String> serverAfter,
      List<String> held) {

    /** The token the server accepts, when it did not change during the sample. */
    Optional<String> server() {
      return serverBefore.equals(serverAfter) ? serverBefore : Optional.empty();
    }

    /** The store holds, unleased, the token the server accepts. */
    boolean storeHoldsAccepted() {
      return row.isPresent() && !row.get().isLeased() && server().isPresent()
          && row.get().value().equals(server());
    }

    /** Every node's callers were last handed the token the server accepts. */
    boolean everyNodeHoldsAccepted() {
      return server().isPresent() && held.stream().allMatch(value -> server().get().equals(value));
    }

    /**
     * The store offers, unleased and unexpired by its own account, a token the server does not accept
     * (neither before nor after the row was read, so no renewal between the reads explains it).
     */
    boolean storeOffersRejected() {
      if (row.isEmpty() || row.get().isLeased() || !row.get().hasValidToken()) {
        return false;
      }
      Optional<String> stored = row.get().value();
      return !stored.equals(serverBefore) && !stored.equals(serverAfter);
    }
  }

  private static final Duration EVERY = Duration.ofMillis(15);

  private final FakeCtcServer server;
  private final TokenStore observer;
  private final TokenKey key;
  private final List<InProcessNode> nodes;
  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  private FleetWatch(FakeCtcServer server, TokenStore observer, List<InProcessNode> nodes) {
    this.server = server;
    this.observer = observer;
    this.key = TokenKey.of(server.endpoint(), server.clientId());
    this.nodes = List.copyOf(nodes);
    this.thread = new Thread(this::watch, "fleet-watch");
    this.thread.setDaemon(true);
  }

  /** Starts watching {@code nodes}, reading the row through {@code observer}, which the caller closes. */
  static FleetWatch start(FakeCtcServer server, TokenStore observer, List<InProcessNode> nodes) {
    FleetWatch watch = new FleetWatch(server, observer, nodes);
    watch.thread.start();
    return watch;
  }

  List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /** The first sample at or after {@code nanos} that satisfies {@code condition}. */
  OptionalLong firstAfter(long nanos, Predicate<Sample> condition) {
    return samples().stream().filter(s -> s.nanos() - nanos >= 0).filter(condition).mapToLong(Sample::nanos)
        .findFirst();
  }

  /** Samples at or after {@code nanos} that satisfy {@code condition}. */
  long countAfter(long nanos, Predicate<Sample> condition) {
    return samples().stream().filter(s -> s.nanos() - nanos >= 0).filter(condition).count();
  }

  /** The tokens the server accepted over the samples, in the order they appeared. */
  List<String> serverTokens() {
    Set<String> seen = new LinkedHashSet<>();
    for (Sample sample : samples()) {
      sample.serverBefore().ifPresent(seen::add);
      sample.serverAfter().ifPresent(seen::add);
    }
    return List.copyOf(seen);
  }

  /** The tokens the store's row held over the samples, in the order they appeared. */
  List<String> storedTokens() {
    Set<String> seen = new LinkedHashSet<>();
    for (Sample sample : samples()) {
      sample.row().flatMap(StoredToken::value).ifPresent(seen::add);
    }
    return List.copyOf(seen);
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void watch() {
    while (running) {
      Sample sample = sample();
      synchronized (samples) {
        samples.add(sample);
      }
      AbstractInProcessFleetTest.sleep(EVERY);
    }
  }

  private Sample sample() {
    long nanos = System.nanoTime();
    Optional<String> before = server.currentToken();
    Optional<StoredToken> row;
    try {
      row = observer.read(key).toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      row = Optional.empty();
    }
    Optional<String> after = server.currentToken();
    List<String> held = nodes.stream().map(InProcessNode::heldValue).map(v -> Objects.requireNonNullElse(v, ""))
        .toList();
    return new Sample(nanos, before, row, after, held);
  }
}
