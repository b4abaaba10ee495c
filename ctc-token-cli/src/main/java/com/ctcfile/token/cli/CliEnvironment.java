package com.ctcfile.token.cli;

import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a command takes from the world around it rather than from its arguments: environment
 * variables, the directory of the default store, standard input, and what the terminal can show.
 * Tests give their own, so they never read the real environment or touch the real
 * {@code ~/.ctc-token}. Immutable.
 *
 * @param variables the environment variables ({@code CTC_CLIENT_SECRET}, {@code CTC_JDBC_PASSWORD})
 * @param storeHome the directory of the default H2 store
 * @param stdin where {@code --client-secret-file -} reads the secret from
 * @param interactive whether standard output is a terminal (the demo then redraws one progress line)
 * @param unicode whether standard output can show characters such as ✓ and ≤
 */
record CliEnvironment(Map<String, String> variables, Path storeHome, InputStream stdin, boolean interactive,
    boolean unicode) {

  /** Environment variable naming the directory of the default store; the system property is {@code ctc.token.home}. */
  static final String HOME_VARIABLE = "CTC_TOKEN_HOME";
  static final String HOME_PROPERTY = "ctc.token.home";

  CliEnvironment {
    variables = Map.copyOf(variables);
    Objects.requireNonNull(storeHome, "storeHome");
    Objects.requireNonNull(stdin, "stdin");
  }

  /** The process's own: {@code CTC_TOKEN_HOME}, else {@code -Dctc.token.home}, else {@code ~/.ctc-token}. */
  static CliEnvironment system(Charset stdoutCharset) {
    Map<String, String> env = System.getenv();
    String home = Optional.ofNullable(env.get(HOME_VARIABLE)).filter(s -> !s.isBlank())
        .or(() -> Optional.ofNullable(System.getProperty(HOME_PROPERTY)).filter(s -> !s.isBlank()))
        .orElse(Path.of(System.getProperty("user.home"), ".ctc-token").toString());
    return new CliEnvironment(env, Path.of(home).toAbsolutePath(), System.in, System.console() != null,
        stdoutCharset.newEncoder().canEncode("✓≤−"));
  }

  /** The non-blank value of an environment variable. */
  Optional<String> variable(String name) {
    return Optional.ofNullable(variables.get(name)).filter(value -> !value.isBlank());
  }
}
