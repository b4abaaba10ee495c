package com.ctcfile.token.core;

import com.ctcfile.token.TokenStoreException;
import com.ctcfile.token.core.port.FetchFailure;
import com.ctcfile.token.core.port.FreshToken;
import com.ctcfile.token.core.port.LeaseRequest;
import com.ctcfile.token.core.port.RenewalLease;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.core.port.TokenStore;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Wraps a store to script the faults a database shows: a call that fails before it is applied, one
 * that is applied but whose answer is lost (a connection reset after the UPDATE committed), and one
 * that hangs until released (a half-open socket). Scripts are used once each, in order, per
 * operation. Also lets a test replace the store's contents, as a backup restore does.
 */
final class FaultyStore implements TokenStore {

  enum Op { READ, LEASE, PUBLISH, RELEASE }

  private enum Kind { FAIL, FAIL_AFTER_APPLYING, HANG }

  private static final class Fault {
    final Kind kind;
    final CompletableFuture<Void> release = new CompletableFuture<>();

    Fault(Kind kind) {
      this.kind = kind;
    }
  }

  private volatile TokenStore delegate;
  private final Map<Op, Deque<Fault>> faults = new EnumMap<>(Op.class);
  private final Map<Op, AtomicInteger> calls = new EnumMap<>(Op.class);
  private final Map<Op, AtomicInteger> cancelled = new EnumMap<>(Op.class);
  private volatile boolean closed;

  FaultyStore(TokenStore delegate) {
    this.delegate = delegate;
    for (Op op : Op.values()) {
      faults.put(op, new ArrayDeque<>());
      calls.put(op, new AtomicInteger());
      cancelled.put(op, new AtomicInteger());
    }
  }

  /** The next {@code times} calls of {@code op} fail before reaching the store. */
  synchronized FaultyStore failNext(Op op, int times) {
    for (int i = 0; i < times; i++) {
      faults.get(op).add(new Fault(Kind.FAIL));
    }
    return this;
  }

  /** The next call of {@code op} is applied to the store, but the caller gets a failure. */
  synchronized FaultyStore failNextAfterApplying(Op op) {
    faults.get(op).add(new Fault(Kind.FAIL_AFTER_APPLYING));
    return this;
  }

  /** The next call of {@code op} answers nothing until the returned future completes; it then runs. */
  synchronized CompletableFuture<Void> hangNext(Op op) {
    Fault hang = new Fault(Kind.HANG);
    faults.get(op).add(hang);
    return hang.release;
  }

  /** Every later call goes to {@code contents}: the database restored from a backup, say. */
  void replaceContents(TokenStore contents) {
    this.delegate = contents;
  }

  int calls(Op op) {
    return calls.get(op).get();
  }

  /** Calls of {@code op} whose caller cancelled the stage before it completed. */
  int cancelled(Op op) {
    return cancelled.get(op).get();
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public CompletionStage<Optional<StoredToken>> read(TokenKey key) {
    return call(Op.READ, () -> delegate.read(key));
  }

  @Override
  public CompletionStage<Optional<RenewalLease>> tryLease(LeaseRequest request) {
    return call(Op.LEASE, () -> delegate.tryLease(request));
  }

  @Override
  public CompletionStage<Optional<StoredToken>> publish(RenewalLease lease, FreshToken token) {
    return call(Op.PUBLISH, () -> delegate.publish(lease, token));
  }

  @Override
  public CompletionStage<Void> releaseAfterFailure(RenewalLease lease, FetchFailure failure) {
    return call(Op.RELEASE, () -> delegate.releaseAfterFailure(lease, failure));
  }

  @Override
  public void close() {
    closed = true;
  }

  private <T> CompletionStage<T> call(Op op, Supplier<CompletionStage<T>> real) {
    calls.get(op).incrementAndGet();
    Fault fault;
    synchronized (this) {
      fault = faults.get(op).poll();
    }
    if (fault == null) {
      return real.get();
    }
    switch (fault.kind) {
      case FAIL:
        return CompletableFuture.failedFuture(new TokenStoreException(op + " failed: connection reset"));
      case FAIL_AFTER_APPLYING:
        return real.get().thenCompose(applied ->
            CompletableFuture.failedFuture(new TokenStoreException(op + " failed after it was applied: connection reset")));
      default:
        CompletableFuture<T> answer = new CompletableFuture<>();
        answer.whenComplete((value, error) -> {
          if (answer.isCancelled()) {
            cancelled.get(op).incrementAndGet();
          }
        });
        fault.release.thenRun(() -> real.get().whenComplete((value, error) -> {
          if (error == null) {
            answer.complete(value);
          } else {
            answer.completeExceptionally(error);
          }
        }));
        return answer;
    }
  }
}
