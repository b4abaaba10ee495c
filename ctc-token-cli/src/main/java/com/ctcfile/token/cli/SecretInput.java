package com.ctcfile.token.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Reads a secret (the client secret, a database password) from a file, standard input ({@code -})
 * or an environment variable: never from an option's value, which any user of the machine can read
 * in {@code ps}. The value read is registered with {@link Redactions}, so that no error line can
 * show it.
 */
final class SecretInput {

  // a secret file is a few bytes; refuse to read a large file by mistake
  private static final int MAX_BYTES = 64 * 1024;

  private SecretInput() {}

  /**
   * The secret from {@code file} if given, else from the environment variable {@code variable}; empty
   * when neither is there.
   *
   * @throws ParameterException (exit status 2) if the file cannot be read or is empty
   */
  static Optional<String> read(CommandLine command, CliEnvironment environment, Path file, String option,
      String variable, Redactions redactions) {
    Optional<String> secret;
    if (file != null) {
      String text = "-".equals(file.toString()) ? fromStdin(command, environment.stdin(), option)
          : fromFile(command, file, option);
      String trimmed = text.strip();
      if (trimmed.isEmpty()) {
        throw new ParameterException(command, option + " " + describe(file) + " is empty");
      }
      secret = Optional.of(trimmed);
    } else {
      secret = environment.variable(variable);
    }
    secret.ifPresent(redactions::add);
    return secret;
  }

  private static String fromFile(CommandLine command, Path file, String option) {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new ParameterException(command, option + " " + file + " is larger than a secret can be");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ParameterException(command, option + " " + file + " does not exist");
    } catch (IOException e) {
      throw new ParameterException(command, "cannot read " + option + " " + file + ": " + e.getClass().getSimpleName());
    }
  }

  private static String fromStdin(CommandLine command, InputStream in, String option) {
    try {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new ParameterException(command, option + " - (standard input) is larger than a secret can be");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ParameterException(command, "cannot read " + option + " - (standard input): "
          + e.getClass().getSimpleName());
    }
  }

  private static String describe(Path file) {
    return "-".equals(file.toString()) ? "- (standard input)" : file.toString();
  }
}
