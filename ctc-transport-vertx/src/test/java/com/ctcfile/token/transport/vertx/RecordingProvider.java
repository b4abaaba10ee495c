package com.ctcfile.token.transport.vertx;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenProvider;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link TokenProvider} that passes every call to a real one and records which method was called
 * on which thread, so tests can show the bearer integration uses only the asynchronous methods and
 * calls them where they expect. Thread-safe.
 */
final class RecordingProvider implements TokenProvider {

  /** One call: the method's name and the calling thread's name. */
  record Call(String method, String thread) {}

  private final TokenProvider delegate;
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  RecordingProvider(TokenProvider delegate) {
    this.delegate = delegate;
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  long count(String method) {
    return calls.stream().filter(call -> call.method().equals(method)).count();
  }

  @Override
  public AccessToken token() {
    record("token");
    return delegate.token();
  }

  @Override
  public CompletionStage<AccessToken> tokenAsync() {
    record("tokenAsync");
    return delegate.tokenAsync();
  }

  @Override
  public AccessToken renewAfterRejection(AccessToken rejected) {
    record("renewAfterRejection");
    return delegate.renewAfterRejection(rejected);
  }

  @Override
  public CompletionStage<AccessToken> renewAfterRejectionAsync(AccessToken rejected) {
    record("renewAfterRejectionAsync");
    return delegate.renewAfterRejectionAsync(rejected);
  }

  @Override
  public void close() {
    delegate.close();
  }

  private void record(String method) {
    calls.add(new Call(method, Thread.currentThread().getName()));
  }
}
