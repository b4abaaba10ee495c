package com.ctcfile.token.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.testkit.FakeCtcServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ctc-token token} against a {@link FakeCtcServer}, with the default H2 store in a temporary directory. */
class TokenCommandTest {

  private final FakeCtcServer server = FakeCtcServer.builder().build().start();

  @TempDir
  Path home;

  @AfterEach
  void stopServer() {
    server.close();
  }

  private Cli cli() {
    return new Cli(home).env("CTC_CLIENT_SECRET", server.clientSecret());
  }

  private String[] token(String... more) {
    String[] base = {"token", "--endpoint", server.endpoint().toString(), "--client-id", server.clientId()};
    String[] args = new String[base.length + more.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return args;
  }

  @Test
  void printsTheServersCurrentToken() {
    Cli.Result result = cli().run(token());

    assertThat(result.status()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo(server.currentToken().orElseThrow() + System.lineSeparator());
    assertThat(result.err()).isEmpty();
    assertThat(result.all()).doesNotContain(server.clientSecret());
  }

  @Test
  void aSecondCallOnTheSameStoreReusesTheTokenInsteadOfFetching() {
    Cli.Result first = cli().run(token());
    Cli.Result second = cli().run(token());

    assertThat(second.status()).as(second.toString()).isZero();
    assertThat(second.out()).isEqualTo(first.out());
    assertThat(server.fetches()).isEqualTo(1);
    assertThat(server.tokenRequests()).isEqualTo(1);
    assertThat(second.out().strip()).isEqualTo(server.currentToken().orElseThrow());
  }

  @Test
  void headerPrintsTheAuthorizationValue() {
    Cli.Result result = cli().run(token("--header"));

    assertThat(result.status()).as(result.toString()).isZero();
    assertThat(result.out().strip()).isEqualTo("Bearer " + server.currentToken().orElseThrow());
  }

  @Test
  void jsonPrintsTokenTypeExpiryAndVersion() {
    Instant before = Instant.now();
    Cli.Result result = cli().run(token("--json"));

    assertThat(result.status()).as(result.toString()).isZero();
    assertThat(result.out().strip()).matches("\\{\"token\":\"[^\"]+\",\"type\":\"Bearer\",\"expiresAt\":\"[^\"]+\","
        + "\"version\":1}");
    assertThat(result.out()).contains("\"token\":\"" + server.currentToken().orElseThrow() + "\"");
    assertThat(expiresAt(result.out())).isBetween(before.plusSeconds(3590), Instant.now().plusSeconds(3600));
  }

  @Test
  void headerAndJsonExcludeEachOther() {
    Cli.Result result = cli().run(token("--header", "--json"));

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err().lines()).hasSize(1);
    assertThat(server.tokenRequests()).isZero();
  }

  @Test
  void readsTheSecretFromAFile() throws Exception {
    Path file = home.resolve("secret.txt");
    Files.writeString(file, server.clientSecret() + "\n", StandardCharsets.UTF_8);

    Cli.Result result = new Cli(home).run(token("--client-secret-file", file.toString()));

    assertThat(result.status()).as(result.toString()).isZero();
    assertThat(result.out().strip()).isEqualTo(server.currentToken().orElseThrow());
  }

  @Test
  void readsTheSecretFromStandardInput() {
    Cli.Result result = new Cli(home).stdin(server.clientSecret() + "\n").run(token("--client-secret-file", "-"));

    assertThat(result.status()).as(result.toString()).isZero();
    assertThat(result.out().strip()).isEqualTo(server.currentToken().orElseThrow());
  }

  @Test
  void theFileWinsOverTheEnvironment() throws Exception {
    Path file = home.resolve("secret.txt");
    Files.writeString(file, server.clientSecret(), StandardCharsets.UTF_8);

    Cli.Result result = new Cli(home).env("CTC_CLIENT_SECRET", "stale-secret-from-env")
        .run(token("--client-secret-file", file.toString()));

    assertThat(result.status()).as(result.toString()).isZero();
  }

  @Test
  void aWrongSecretExitsWithThreeAndTheErrcodeButNeverTheSecret() {
    String wrong = "wrong-secret-Xq7vZ9";
    Cli.Result result = new Cli(home).env("CTC_CLIENT_SECRET", wrong).run(token());

    assertThat(result.status()).isEqualTo(3);
    assertThat(result.out()).isEmpty();
    assertThat(result.err().lines()).hasSize(1);
    assertThat(result.err()).contains("errcode " + FakeCtcServer.ERRCODE_INVALID_CREDENTIALS)
        .contains("invalid clientId or clientSecret");
    assertThat(result.all()).doesNotContain(wrong).doesNotContain(server.clientSecret());
  }

  @Test
  void verboseAddsTheStackTraceButStillNeverTheSecret() {
    String wrong = "wrong-secret-Xq7vZ9";
    Cli.Result result = new Cli(home).env("CTC_CLIENT_SECRET", wrong).run(token("--verbose"));

    assertThat(result.status()).isEqualTo(3);
    assertThat(result.err()).contains("CtcApiException").contains("\tat ");
    assertThat(result.all()).doesNotContain(wrong);
  }

  @Test
  void withoutASecretItIsAUsageError() {
    Cli.Result result = new Cli(home).run(token());

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err().lines()).hasSize(1);
    assertThat(result.err()).contains("CTC_CLIENT_SECRET").contains("--client-secret-file");
    assertThat(server.tokenRequests()).isZero();
  }

  @Test
  void aSecretGivenAsAnOptionValueIsRefusedWithoutEchoingIt() {
    Cli.Result result = cli().run(token("--client-secret", "s3cr3t-on-the-command-line"));

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err().lines()).hasSize(1);
    assertThat(result.err()).contains("--client-secret").contains("CTC_CLIENT_SECRET")
        .doesNotContain("s3cr3t-on-the-command-line");
  }

  @Test
  void withoutTheFleetsDatabaseOrAnExplicitLocalStoreNothingIsFetched() {
    Cli.Result result = new Cli(home).withoutLocalStoreChoice().env("CTC_CLIENT_SECRET", server.clientSecret())
        .run("token", "--endpoint", server.endpoint().toString(), "--client-id", server.clientId());

    assertThat(result.status()).as(result.toString()).isEqualTo(2);
    assertThat(result.err().lines()).hasSize(1);
    assertThat(result.err()).contains("--jdbc-url").contains("--local-store").contains("CTC_TOKEN_LOCAL_STORE")
        .contains("invalidates the token");
    assertThat(server.tokenRequests()).isZero();
  }

  @Test
  void anExplicitLocalStoreIsAllowed() {
    Cli.Result result = new Cli(home).withoutLocalStoreChoice().env("CTC_CLIENT_SECRET", server.clientSecret())
        .run("token", "--endpoint", server.endpoint().toString(), "--client-id", server.clientId(), "--local-store");

    assertThat(result.status()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo(server.currentToken().orElseThrow() + System.lineSeparator());
  }

  @Test
  void aMissingOptionIsAUsageError() {
    Cli.Result result = cli().run("token", "--client-id", "x");

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err().lines()).hasSize(1);
    assertThat(result.err()).contains("--endpoint");
  }

  @Test
  void plainHttpToAnotherHostIsRefusedUnlessAllowed() {
    Cli.Result result = cli().run("token", "--endpoint", "http://ctc.example.invalid", "--client-id", "x");

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).contains("--allow-insecure-http");
  }

  @Test
  void anUnreachableEndpointExitsWithFour() {
    FakeCtcServer gone = FakeCtcServer.builder().build().start();
    gone.close();

    Cli.Result result = cli().run("token", "--endpoint", gone.endpoint().toString(), "--client-id", "x");

    assertThat(result.status()).as(result.toString()).isEqualTo(4);
    assertThat(result.err().lines()).hasSize(1);
  }

  @Test
  void aMissingTableInTheFleetsDatabaseExitsWithFive() {
    String url = "jdbc:h2:file:" + home.resolve("fleet") + ";AUTO_SERVER=FALSE";

    Cli.Result result = cli().run(token("--jdbc-url", url));

    assertThat(result.status()).as(result.toString()).isEqualTo(5);
    assertThat(result.err().lines()).hasSize(1);
    assertThat(result.err()).contains("ctc_access_token").contains("--create-table");
    assertThat(server.tokenRequests()).as("never fetch without the fleet's store").isZero();
  }

  @Test
  void usesTheFleetsDatabaseGivenByUrl() {
    String url = "jdbc:h2:file:" + home.resolve("fleet") + ";AUTO_SERVER=FALSE";

    Cli.Result first = cli().run(token("--jdbc-url", url, "--jdbc-user", "sa", "--create-table", "--table", "tokens"));
    Cli.Result second = cli().run(token("--jdbc-url", url, "--jdbc-user", "sa", "--table", "tokens"));

    assertThat(second.status()).as(second.toString()).isZero();
    assertThat(second.out()).isEqualTo(first.out());
    assertThat(server.fetches()).isEqualTo(1);
  }

  @Test
  void anUnknownJdbcUrlIsAUsageError() {
    Cli.Result result = cli().run(token("--jdbc-url", "jdbc:nosuchdb://db/x?password=hunter2"));

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).contains("no JDBC driver").doesNotContain("hunter2");
  }

  @Test
  void aStoredTokenAboutToExpireIsRenewedBeforeItIsPrinted() {
    try (FakeCtcServer shortLived = FakeCtcServer.builder().tokenLifetime(Duration.ofSeconds(2)).build().start()) {
      Cli cli = new Cli(home).env("CTC_CLIENT_SECRET", shortLived.clientSecret());
      String[] args = {"token", "--endpoint", shortLived.endpoint().toString(), "--client-id", shortLived.clientId(),
          "--json"};
      Cli.Result first = cli.run(args);
      assertThat(first.status()).as(first.toString()).isZero();
      // within --min-valid (60 s), capped at half the lifetime: less than 1 s left
      Instant halfway = expiresAt(first.out()).minusMillis(900);
      await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(halfway));

      Cli.Result second = cli.run(args);

      assertThat(second.status()).as(second.toString()).isZero();
      assertThat(second.out()).contains("\"version\":2")
          .contains("\"token\":\"" + shortLived.currentToken().orElseThrow() + "\"");
      assertThat(shortLived.fetches()).isEqualTo(2);
    }
  }

  private static Instant expiresAt(String json) {
    Matcher matcher = Pattern.compile("\"expiresAt\":\"([^\"]+)\"").matcher(json);
    assertThat(matcher.find()).as(json).isTrue();
    return Instant.parse(matcher.group(1));
  }
}
