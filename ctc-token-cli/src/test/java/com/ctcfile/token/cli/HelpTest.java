package com.ctcfile.token.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --help} on every command, and the exit statuses it documents. */
class HelpTest {

  @TempDir
  Path home;

  @ParameterizedTest
  @ValueSource(strings = {"demo", "token", "status"})
  void everyCommandHasHelpWithItsOptionsAndExitStatuses(String command) {
    Cli.Result result = new Cli(home).run(command, "--help");

    assertThat(result.status()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out()).startsWith("Usage: ctc-token " + command)
        .contains("--verbose")
        .contains("Exit status:")
        .contains("3   the token endpoint answered an errcode");
  }

  @Test
  void theRootListsTheCommands() {
    Cli.Result result = new Cli(home).run("--help");

    assertThat(result.status()).isZero();
    assertThat(result.out()).contains("demo").contains("token").contains("status").contains("ctc-token demo");
  }

  @Test
  void helpCommandWorksToo() {
    Cli.Result result = new Cli(home).run("help", "token");

    assertThat(result.status()).isZero();
    assertThat(result.out()).startsWith("Usage: ctc-token token");
  }

  @Test
  void tokenHelpWarnsAgainstCurlAndNamesTheSecretSources() {
    String help = new Cli(home).run("token", "--help").out();

    assertThat(help).contains("CTC_CLIENT_SECRET").contains("--client-secret-file").contains("curl")
        .contains("invalidates");
  }

  @Test
  void noCommandIsAUsageError() {
    Cli.Result result = new Cli(home).run();

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err().lines()).hasSize(1);
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    Cli.Result result = new Cli(home).run("tokens");

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err().lines()).hasSize(1);
  }
}
