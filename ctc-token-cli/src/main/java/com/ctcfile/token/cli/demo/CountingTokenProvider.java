package com.ctcfile.token.cli.demo;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenProvider;
import java.util.concurrent.CompletionStage;

/**
 * Hands a node's tokens to its bearer integration and counts the 401s the integration reports: the
 * integrations call {@code renewAfterRejection} exactly once for every 401 they see. Does not own
 * the provider it wraps: {@link #close()} does nothing. Thread-safe.
 */
final class CountingTokenProvider implements TokenProvider {

  private final TokenProvider tokens;
  private final NodeStats stats;

  CountingTokenProvider(TokenProvider tokens, NodeStats stats) {
    this.tokens = tokens;
    this.stats = stats;
  }

  @Override
  public AccessToken token() {
    return tokens.token();
  }

  @Override
  public CompletionStage<AccessToken> tokenAsync() {
    return tokens.tokenAsync();
  }

  @Override
  public AccessToken renewAfterRejection(AccessToken rejected) {
    stats.rejectionSeen();
    try {
      return tokens.renewAfterRejection(rejected);
    } catch (RuntimeException e) {
      stats.rejectionNotHealed();
      throw e;
    }
  }

  @Override
  public CompletionStage<AccessToken> renewAfterRejectionAsync(AccessToken rejected) {
    stats.rejectionSeen();
    return tokens.renewAfterRejectionAsync(rejected).whenComplete((renewed, failure) -> {
      if (failure != null) {
        stats.rejectionNotHealed();
      }
    });
  }

  @Override
  public void close() {
    // the node closes its manager
  }

  @Override
  public String toString() {
    return "CountingTokenProvider{" + tokens + "}";
  }
}
