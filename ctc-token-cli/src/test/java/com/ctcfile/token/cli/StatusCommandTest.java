package com.ctcfile.token.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.testkit.FakeCtcServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ctc-token status}: what the store holds, read-only, without the token unless asked. */
class StatusCommandTest {

  private final FakeCtcServer server = FakeCtcServer.builder().build().start();

  @TempDir
  Path home;

  @AfterEach
  void stopServer() {
    server.close();
  }

  private Cli.Result status(String... more) {
    String[] base = {"status", "--endpoint", server.endpoint().toString(), "--client-id", server.clientId()};
    String[] args = new String[base.length + more.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return new Cli(home).run(args);
  }

  private void fetchOnce(String secret) {
    new Cli(home).env("CTC_CLIENT_SECRET", secret)
        .run("token", "--endpoint", server.endpoint().toString(), "--client-id", server.clientId(), "--local-store");
  }

  @Test
  void showsVersionAndExpiryButNotTheToken() {
    fetchOnce(server.clientSecret());

    Cli.Result result = status();

    assertThat(result.status()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("key         " + server.clientId() + "@127.0.0.1:" + server.port())
        .contains("version     1")
        .contains("valid, expires in 59m")
        .contains("lease       none")
        .contains("last error  none")
        .contains("--show-token prints it")
        .doesNotContain(server.currentToken().orElseThrow());
    assertThat(server.tokenRequests()).as("status sends nothing to the endpoint").isEqualTo(1);
  }

  @Test
  void showTokenPrintsIt() {
    fetchOnce(server.clientSecret());

    Cli.Result result = status("--show-token");

    assertThat(result.status()).as(result.toString()).isZero();
    assertThat(result.out()).contains("value       " + server.currentToken().orElseThrow());
  }

  @Test
  void showsTheLastFailedFetchAndTheFleetsBackoff() {
    fetchOnce("a-wrong-secret");

    Cli.Result result = status();

    assertThat(result.status()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("version     0 (no token published yet)")
        .contains("last error  api:" + FakeCtcServer.ERRCODE_INVALID_CREDENTIALS + ", next attempt in");
  }

  @Test
  void saysSoWhenNothingWasEverStored() {
    Cli.Result result = status();

    assertThat(result.status()).as(result.toString()).isZero();
    assertThat(result.out()).contains("nothing stored");
  }

  @Test
  void saysSoWhenTheStoreHasNothingForThisKey() {
    fetchOnce(server.clientSecret());

    Cli.Result result = new Cli(home)
        .run("status", "--endpoint", server.endpoint().toString(), "--client-id", "another-client");

    assertThat(result.status()).as(result.toString()).isZero();
    assertThat(result.out()).contains("nothing stored for this key");
  }

  @Test
  void needsTheKey() {
    Cli.Result result = new Cli(home).run("status", "--endpoint", server.endpoint().toString());

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err().lines()).hasSize(1);
    assertThat(result.err()).contains("--client-id");
  }
}
