package com.ctcfile.token.testkit;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenProvider;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The provider the bearer contract hands an integration: passes every call to a real one and
 * records its name; unless blocking is allowed, a blocking call fails with {@link AssertionError}
 * (and is recorded, should the integration swallow the error). Thread-safe.
 */
final class WatchedProvider implements TokenProvider {

  private final TokenProvider delegate;
  private final boolean blockingAllowed;
  private final List<String> calls = new CopyOnWriteArrayList<>();

  WatchedProvider(TokenProvider delegate, boolean blockingAllowed) {
    this.delegate = delegate;
    this.blockingAllowed = blockingAllowed;
  }

  /** The names of the methods called so far, in order. */
  List<String> calls() {
    return List.copyOf(calls);
  }

  long count(String method) {
    return calls.stream().filter(method::equals).count();
  }

  @Override
  public AccessToken token() {
    blocking("token");
    return delegate.token();
  }

  @Override
  public CompletionStage<AccessToken> tokenAsync() {
    calls.add("tokenAsync");
    return delegate.tokenAsync();
  }

  @Override
  public AccessToken renewAfterRejection(AccessToken rejected) {
    blocking("renewAfterRejection");
    return delegate.renewAfterRejection(rejected);
  }

  @Override
  public CompletionStage<AccessToken> renewAfterRejectionAsync(AccessToken rejected) {
    calls.add("renewAfterRejectionAsync");
    return delegate.renewAfterRejectionAsync(rejected);
  }

  // the test owns the real provider and closes it itself
  @Override
  public void close() {}

  private void blocking(String method) {
    calls.add(method);
    if (!blockingAllowed) {
      throw new AssertionError("a non-blocking integration called the blocking " + method + "()");
    }
  }
}
