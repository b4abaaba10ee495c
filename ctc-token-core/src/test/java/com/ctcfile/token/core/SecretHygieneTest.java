package com.ctcfile.token.core;

import static com.ctcfile.token.core.Fixture.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.port.FreshToken;
import com.ctcfile.token.core.port.RenewalLease;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.core.port.TokenKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client secret and whole tokens never reach a log line, System.out/err, an exception message, a
 * cause chain or a {@code toString()}, whatever the layer below echoes.
 */
class SecretHygieneTest {

  private static final String ENCODED_SECRET = URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
  private final ManualClock clock = new ManualClock();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final List<String> logLines = new ArrayList<>();
  private final List<String> seen = new ArrayList<>();
  private PrintStream originalOut;
  private PrintStream originalErr;
  private Handler handler;
  private Level originalLevel;

  @BeforeEach
  void captureEverything() {
    originalOut = System.out;
    originalErr = System.err;
    PrintStream capture = new PrintStream(console, true, StandardCharsets.UTF_8);
    System.setOut(capture);
    System.setErr(capture);
    Logger logger = Logger.getLogger("com.ctcfile.token");
    originalLevel = logger.getLevel();
    logger.setLevel(Level.ALL);
    handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logLines.add(record.getMessage() + " " + record.getThrown());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    handler.setLevel(Level.ALL);
    logger.addHandler(handler);
  }

  @AfterEach
  void restore() {
    System.setOut(originalOut);
    System.setErr(originalErr);
    Logger logger = Logger.getLogger("com.ctcfile.token");
    logger.removeHandler(handler);
    logger.setLevel(originalLevel);
  }

  @Test
  void failingFetchesNeverRevealTheSecret() {
    String uriWithSecret = "http://127.0.0.1:9/oauth/accesstoken?clientId=client-1&clientSecret=" + ENCODED_SECRET;
    ScriptedTransport transport = new ScriptedTransport()
        .thenFail(new IllegalStateException("GET " + uriWithSecret + " failed",
            new IOException("connect " + uriWithSecret + " refused, secret " + SECRET)))
        .thenReply(500, "server error for clientSecret=" + SECRET)
        .thenReply(200, "{\"errcode\":\"40001\",\"errmsg\":\"wrong secret " + SECRET + "\"}")
        .thenReply(200, "{not json " + SECRET);
    try (TokenManager manager = Fixture.builder(transport, clock).listener(new RecordingListener() {
      @Override
      public void fetchFailed(com.ctcfile.token.core.port.TokenKey key, com.ctcfile.token.CtcTokenException failure,
          java.time.Duration retryIn) {
        collect(failure);
      }
    }).build()) {
      for (int i = 0; i < 4; i++) {
        collect(catchThrowable(manager::token));
        clock.advance(java.time.Duration.ofSeconds(40));
      }
      seen.add(manager.toString());

      assertThat(transport.sends()).isEqualTo(5);
    }
    assertClean(SECRET, ENCODED_SECRET);
  }

  @Test
  void aStoreFailureEchoingTheTokenNeverRevealsIt() {
    ScriptedTransport transport = new ScriptedTransport();
    InMemoryTokenStore memory = new InMemoryTokenStore(clock);
    CountingStore store = new CountingStore(memory) {
      @Override
      public CompletionStage<Optional<StoredToken>> publish(RenewalLease lease, FreshToken token) {
        return CompletableFuture.failedFuture(new IllegalStateException(
            "ERROR: value too long: INSERT ... VALUES ('" + token.value() + "')"));
      }
    };
    List<CtcTokenException> storeFailures = new ArrayList<>();
    try (TokenManager manager = Fixture.builder(transport, clock).store(store).listener(new TokenEventListener() {
      @Override
      public void storeFailed(TokenKey key, CtcTokenException failure) {
        storeFailures.add(failure);
      }
    }).build()) {
      CompletableFuture<AccessToken> token = manager.tokenAsync().toCompletableFuture();
      while (!token.isDone()) {
        clock.advance(java.time.Duration.ofMillis(50)); // the publish is retried while the lease lives
      }
      assertThat(token.join().value()).as("the fetched token is served although it could not be published")
          .isEqualTo(transport.lastIssued());
      seen.add(token.join().toString());
      seen.add(manager.status().toString());
    }

    storeFailures.forEach(this::collect);
    assertThat(storeFailures).as("every failed publish was reported").hasSizeGreaterThan(1);
    assertClean(transport.lastIssued());
    assertThat(String.join("\n", seen)).contains("TokenStoreException");
  }

  @Test
  void toStringsNeverShowSecretsOrTokens() {
    ScriptedTransport transport = new ScriptedTransport();
    TokenManagerBuilder builder = Fixture.builder(transport, clock);
    seen.add(builder.toString());
    try (TokenManager manager = builder.build()) {
      AccessToken token = manager.token();
      seen.add(token.toString());
      seen.add(manager.toString());
      seen.add(transport.requests().get(0).toString());
      seen.add(manager.renewAfterRejection(token).toString());
      seen.add(new InMemoryTokenStore(clock).toString());
    }

    assertClean(SECRET, ENCODED_SECRET);
    for (String issued : transport.issued()) {
      assertClean(issued);
    }
  }

  private void collect(Throwable failure) {
    Map<Throwable, Boolean> visited = new IdentityHashMap<>();
    List<Throwable> pending = new ArrayList<>(List.of(failure));
    while (!pending.isEmpty()) {
      Throwable t = pending.remove(0);
      if (t == null || visited.put(t, true) != null) {
        continue;
      }
      seen.add(t.toString());
      seen.add(String.valueOf(t.getMessage()));
      pending.add(t.getCause());
      pending.addAll(List.of(t.getSuppressed()));
    }
  }

  private void assertClean(String... secrets) {
    String everything = String.join("\n", seen) + "\n" + String.join("\n", logLines) + "\n"
        + console.toString(StandardCharsets.UTF_8);
    assertThat(seen).isNotEmpty();
    for (String secret : secrets) {
      assertThat(everything).doesNotContain(secret);
    }
  }
}
