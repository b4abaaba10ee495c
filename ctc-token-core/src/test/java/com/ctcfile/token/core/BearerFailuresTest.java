package com.ctcfile.token.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.RenewalRateLimitedException;
import com.ctcfile.token.TokenProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The failures every bearer integration reports alike. */
class BearerFailuresTest {

  private static final AccessToken REJECTED = new AccessToken("rejected-token", "Bearer", Instant.EPOCH, 1);

  // held here: JUL keeps loggers weakly; System.Logger goes to JUL without another backend
  private final Logger log = Logger.getLogger(BearerFailures.class.getName());
  private final List<String> logged = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logged.add(record.getLevel() + " " + record.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Level level;

  @BeforeEach
  void captureTheLog() {
    level = log.getLevel();
    log.setLevel(Level.ALL);
    log.addHandler(capture);
  }

  @AfterEach
  void releaseTheLog() {
    log.removeHandler(capture);
    log.setLevel(level);
  }

  @Test
  @DisplayName("unwrap peels every CompletionException and ExecutionException off the provider's own exception")
  void unwrapsStageWrappers() {
    RenewalRateLimitedException own = new RenewalRateLimitedException("wait", Duration.ofSeconds(1));

    assertThat(BearerFailures.unwrap(new CompletionException(new ExecutionException(own)))).isSameAs(own);
    assertThat(BearerFailures.unwrap(own)).isSameAs(own);
    assertThat(BearerFailures.unwrap(new CompletionException("no cause", null))).isInstanceOf(CompletionException.class);
  }

  @Test
  @DisplayName("unwrap turns an Error into a CtcTokenException naming its type, for callbacks that take exceptions")
  void wrapsErrors() {
    Exception wrapped = BearerFailures.unwrap(new CompletionException(new StackOverflowError()));

    assertThat(wrapped).isInstanceOf(CtcTokenException.class).hasMessageContaining("StackOverflowError")
        .hasCauseInstanceOf(StackOverflowError.class);
  }

  @Test
  @DisplayName("the plain-http refusal names the target, https, and how this integration allows plain http")
  void refusesPlainHttp() {
    CtcTokenException refusal = BearerFailures.plainHttpRefused("http://api.ctcfile.com:8080", "allowInsecureHttp(true)");

    assertThat(refusal).hasMessage("refusing to send the CTC access token to http://api.ctcfile.com:8080 over plain"
        + " http: it would cross the network in clear text. Use https, or allowInsecureHttp(true)");
  }

  @Test
  @DisplayName("renewForNextCall renews through the async method and completes normally")
  void renewsForTheNextCall() {
    Renewals provider = new Renewals(rejected -> CompletableFuture.completedFuture(REJECTED));

    assertThat(BearerFailures.renewForNextCall(provider, REJECTED)).succeedsWithin(Duration.ofSeconds(5));

    assertThat(provider.renewed).containsExactly(REJECTED);
    assertThat(logged).isEmpty();
  }

  @Test
  @DisplayName("a renewal that fails, in its stage or by throwing, is logged at DEBUG in one line and dropped")
  void logsAFailedRenewal() {
    Renewals failing = new Renewals(rejected -> CompletableFuture.failedFuture(
        new RenewalRateLimitedException("renewal rate limited", Duration.ofSeconds(3))));
    Renewals throwing = new Renewals(rejected -> {
      throw new CtcTokenException("provider is closed");
    });

    assertThat(BearerFailures.renewForNextCall(failing, REJECTED)).succeedsWithin(Duration.ofSeconds(5));
    assertThat(BearerFailures.renewForNextCall(throwing, REJECTED)).succeedsWithin(Duration.ofSeconds(5));

    assertThat(logged).containsExactly(
        "FINE renewal after a 401 on a request that cannot be replayed failed: RenewalRateLimitedException: renewal rate limited",
        "FINE renewal after a 401 on a request that cannot be replayed failed: CtcTokenException: provider is closed");
  }

  /** Answers renewals as told; the blocking methods are not for bearer integrations' background renewals. */
  private static final class Renewals implements TokenProvider {
    final List<AccessToken> renewed = new CopyOnWriteArrayList<>();
    private final Function<AccessToken, CompletionStage<AccessToken>> answer;

    Renewals(Function<AccessToken, CompletionStage<AccessToken>> answer) {
      this.answer = answer;
    }

    @Override
    public AccessToken token() {
      throw new AssertionError("not asked");
    }

    @Override
    public CompletionStage<AccessToken> tokenAsync() {
      throw new AssertionError("not asked");
    }

    @Override
    public AccessToken renewAfterRejection(AccessToken rejected) {
      throw new AssertionError("renewForNextCall must not block");
    }

    @Override
    public CompletionStage<AccessToken> renewAfterRejectionAsync(AccessToken rejected) {
      renewed.add(rejected);
      return answer.apply(rejected);
    }

    @Override
    public void close() {}
  }
}
