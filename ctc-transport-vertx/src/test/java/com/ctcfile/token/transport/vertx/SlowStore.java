package com.ctcfile.token.transport.vertx;

import com.ctcfile.token.core.InMemoryTokenStore;
import com.ctcfile.token.core.port.FetchFailure;
import com.ctcfile.token.core.port.FreshToken;
import com.ctcfile.token.core.port.LeaseRequest;
import com.ctcfile.token.core.port.RenewalLease;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.core.port.TokenStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@link TokenStore} as slow as a remote database: every call does its work, an
 * {@link InMemoryTokenStore} behind a sleep, on a thread of the store's own, the way a JDBC store
 * runs its blocking I/O off the caller's thread. Records the thread that called each method and the
 * thread that did the blocking work. Thread-safe.
 */
final class SlowStore implements TokenStore {

  /** One store call: the method, who called it, and where its blocking work ran. */
  record Call(String method, String caller, String worker) {}

  private static final AtomicInteger NUMBER = new AtomicInteger();

  private final InMemoryTokenStore delegate = new InMemoryTokenStore();
  private final Duration latency;
  private final ExecutorService io;
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  SlowStore(Duration latency) {
    this.latency = latency;
    int number = NUMBER.incrementAndGet();
    AtomicInteger thread = new AtomicInteger();
    this.io = Executors.newCachedThreadPool(task -> {
      Thread t = new Thread(task, "slow-store-" + number + "-io-" + thread.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  @Override
  public CompletionStage<Optional<StoredToken>> read(TokenKey key) {
    return slowly("read", () -> delegate.read(key));
  }

  @Override
  public CompletionStage<Optional<RenewalLease>> tryLease(LeaseRequest request) {
    return slowly("tryLease", () -> delegate.tryLease(request));
  }

  @Override
  public CompletionStage<Optional<StoredToken>> publish(RenewalLease lease, FreshToken token) {
    return slowly("publish", () -> delegate.publish(lease, token));
  }

  @Override
  public CompletionStage<Void> releaseAfterFailure(RenewalLease lease, FetchFailure failure) {
    return slowly("releaseAfterFailure", () -> delegate.releaseAfterFailure(lease, failure));
  }

  @Override
  public void close() {
    io.shutdownNow();
  }

  private <T> CompletionStage<T> slowly(String method, Supplier<CompletionStage<T>> work) {
    String caller = Thread.currentThread().getName();
    return CompletableFuture.supplyAsync(() -> {
      calls.add(new Call(method, caller, Thread.currentThread().getName()));
      try {
        Thread.sleep(latency.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return work.get().toCompletableFuture().join();
    }, io);
  }
}
