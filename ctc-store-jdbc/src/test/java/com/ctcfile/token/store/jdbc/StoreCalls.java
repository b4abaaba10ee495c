package com.ctcfile.token.store.jdbc;

import com.ctcfile.token.core.port.FreshToken;
import com.ctcfile.token.core.port.TokenKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Small helpers for the JDBC store's own tests. */
final class StoreCalls {

  private static final String TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";
  private static final SecureRandom RANDOM = new SecureRandom();

  private StoreCalls() {}

  static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new AssertionError("store call did not complete within 30 s", e);
    }
  }

  /** The failure of a stage, unwrapped. */
  static Throwable failureOf(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("store call did not fail in time", e);
    }
    throw new AssertionError("store call succeeded, a failure was expected");
  }

  static String token(int length) {
    StringBuilder token = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      token.append(TOKEN_CHARS.charAt(RANDOM.nextInt(TOKEN_CHARS.length())));
    }
    return token.toString();
  }

  static FreshToken fresh(String token) {
    return new FreshToken(token, "Bearer", Duration.ofSeconds(3600), Duration.ofSeconds(3000));
  }

  static TokenKey newKey() {
    return new TokenKey("jdbc.test.invalid", "client-" + UUID.randomUUID());
  }

  /** Every message and string form in {@code failure}'s cause and suppressed tree. */
  static List<String> texts(Throwable failure) {
    List<String> texts = new ArrayList<>();
    collect(failure, texts, 0);
    return texts;
  }

  private static void collect(Throwable failure, List<String> texts, int depth) {
    if (failure == null || depth > 20) {
      return;
    }
    texts.add(String.valueOf(failure.getMessage()));
    texts.add(failure.toString());
    if (failure instanceof java.sql.SQLException) {
      collect(((java.sql.SQLException) failure).getNextException(), texts, depth + 1);
    }
    for (Throwable suppressed : failure.getSuppressed()) {
      collect(suppressed, texts, depth + 1);
    }
    collect(failure.getCause(), texts, depth + 1);
  }
}
