package com.ctcfile.token.core;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Peels the wrappers {@code CompletableFuture} puts around the failure that actually happened. */
final class Failures {

  private Failures() {}

  static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
