package com.ctcfile.token.testkit;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenProvider;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link TokenProvider} for bearer integration tests: passes every call to a real provider and
 * records which method was called on which thread, so that a test can show an integration asks only
 * the asynchronous methods, and where. Made {@link #nonBlocking}, a call of a blocking method fails
 * with {@link AssertionError} (and is recorded all the same, should the integration swallow the
 * error); made {@link #allowingBlocking}, it goes through. {@link #close()} does nothing: the test
 * owns the real provider and closes it itself. Thread-safe.
 */
public final class WatchedProvider implements TokenProvider {

  /** One call: the method's name ({@code token}, {@code tokenAsync}...) and the calling thread's name. */
  public record Call(String method, String thread) {}

  private final TokenProvider delegate;
  private final boolean blockingAllowed;
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  private WatchedProvider(TokenProvider delegate, boolean blockingAllowed) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.blockingAllowed = blockingAllowed;
  }

  /** A provider whose blocking {@code token()} and {@code renewAfterRejection(..)} fail the test. */
  public static WatchedProvider nonBlocking(TokenProvider delegate) {
    return new WatchedProvider(delegate, false);
  }

  /** A provider that passes on every call, the blocking ones included, and only records them. */
  public static WatchedProvider allowingBlocking(TokenProvider delegate) {
    return new WatchedProvider(delegate, true);
  }

  /** The calls so far, in order. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The names of the methods called so far, in order. */
  public List<String> methods() {
    return calls.stream().map(Call::method).toList();
  }

  /** How often {@code method} was called. */
  public long count(String method) {
    return calls.stream().filter(call -> call.method().equals(method)).count();
  }

  @Override
  public AccessToken token() {
    blocking("token");
    return delegate.token();
  }

  @Override
  public CompletionStage<AccessToken> tokenAsync() {
    record("tokenAsync");
    return delegate.tokenAsync();
  }

  @Override
  public AccessToken renewAfterRejection(AccessToken rejected) {
    blocking("renewAfterRejection");
    return delegate.renewAfterRejection(rejected);
  }

  @Override
  public CompletionStage<AccessToken> renewAfterRejectionAsync(AccessToken rejected) {
    record("renewAfterRejectionAsync");
    return delegate.renewAfterRejectionAsync(rejected);
  }

  /** Does nothing: the test closes the real provider. */
  @Override
  public void close() {}

  private void blocking(String method) {
    record(method);
    if (!blockingAllowed) {
      throw new AssertionError("a non-blocking integration called the blocking " + method + "()");
    }
  }

  private void record(String method) {
    calls.add(new Call(method, Thread.currentThread().getName()));
  }
}
