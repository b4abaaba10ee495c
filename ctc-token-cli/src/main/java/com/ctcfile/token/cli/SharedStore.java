package com.ctcfile.token.cli;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenStoreException;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The shared store a {@code token} or {@code status} command works on: a small connection pool and a
 * {@link JdbcTokenStore} on it. Closing it closes both. Not thread-safe; one per command run.
 */
final class SharedStore implements AutoCloseable {

  private final HikariDataSource pool;
  private final JdbcTokenStore store;
  private final String description;

  private SharedStore(HikariDataSource pool, JdbcTokenStore store, String description) {
    this.pool = pool;
    this.store = store;
    this.description = description;
  }

  /**
   * Opens the store the options name. Nothing connects yet: the first store call does, so a
   * database that is down fails that call with a {@code TokenStoreException} (exit status 5).
   *
   * @throws ParameterException (exit status 2) for a URL that is not JDBC or has no driver here, an
   *     unreadable password file, or a bad table name
   */
  static SharedStore open(StoreOptions options, CliEnvironment environment, CommandLine command,
      Redactions redactions) {
    String url;
    String user;
    String password;
    boolean createTable;
    if (options.jdbcUrl == null) {
      Path database = StoreOptions.defaultDatabase(environment.storeHome());
      createPrivateDirectory(command, environment.storeHome());
      // AUTO_SERVER: two scripts running ctc-token at the same moment share the file instead of failing
      url = "jdbc:h2:file:" + database + ";AUTO_SERVER=TRUE";
      user = options.user == null ? "sa" : options.user;
      password = SecretInput.read(command, environment, options.passwordFile, "--jdbc-password-file",
          StoreOptions.PASSWORD_VARIABLE, redactions).orElse("");
      createTable = options.createTable == null || options.createTable;
    } else {
      url = options.jdbcUrl.trim();
      if (!url.startsWith("jdbc:")) {
        throw new ParameterException(command, "--jdbc-url must be a JDBC URL such as"
            + " jdbc:postgresql://db:5432/app, not '" + masked(url) + "'");
      }
      requireDriver(command, url);
      user = options.user;
      password = SecretInput.read(command, environment, options.passwordFile, "--jdbc-password-file",
          StoreOptions.PASSWORD_VARIABLE, redactions).orElse(null);
      createTable = options.createTable != null && options.createTable;
    }
    JdbcTokenStore store;
    HikariDataSource pool = new HikariDataSource(config(url, user, password));
    try {
      store = JdbcTokenStore.builder(pool).tableName(options.table).createTableIfMissing(createTable).build();
    } catch (IllegalArgumentException e) {
      pool.close();
      throw new ParameterException(command, "--table: " + e.getMessage());
    }
    return new SharedStore(pool, store, masked(url) + " (table " + options.table + ")");
  }

  /** The store; a {@code TokenManager} given it closes it, which {@link #close()} tolerates. */
  JdbcTokenStore store() {
    return store;
  }

  /**
   * The row of {@code key}, read with a bound on the wait.
   *
   * @throws TokenStoreException if the store fails or does not answer within 30 s
   */
  Optional<StoredToken> read(TokenKey key) {
    try {
      return store.read(key).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof CtcTokenException ? (CtcTokenException) e.getCause()
          : new TokenStoreException("could not read the stored token: " + e.getCause().getClass().getName());
    } catch (TimeoutException e) {
      throw new TokenStoreException("the store did not answer within 30 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CtcTokenException("interrupted while reading the store");
    }
  }

  /** The database URL, passwords masked, and the table: for what a command prints. */
  String description() {
    return description;
  }

  @Override
  public void close() {
    store.close();
    pool.close();
  }

  /** {@code url} with the values of any {@code password=} parameters masked. */
  static String masked(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  private static HikariConfig config(String url, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("ctc-token-cli");
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    // the store runs its statements on two threads; a command needs no more connections than that
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(10_000);
    // connect at the first statement, where a failure becomes the store's TokenStoreException
    config.setInitializationFailTimeout(-1);
    return config;
  }

  private static void requireDriver(CommandLine command, String url) {
    try {
      DriverManager.getDriver(url);
    } catch (SQLException e) {
      throw new ParameterException(command, "no JDBC driver here for --jdbc-url " + masked(url)
          + " (ctc-token includes the H2, PostgreSQL and MariaDB drivers; MariaDB's also serves MySQL)");
    }
  }

  private static void createPrivateDirectory(CommandLine command, Path directory) {
    if (Files.isDirectory(directory)) {
      return;
    }
    try {
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        // the token in this file is a credential: readable by this user only
        Files.createDirectories(directory,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(directory);
      }
    } catch (IOException e) {
      throw new ParameterException(command, "cannot create the store directory " + directory + ": "
          + Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName())
          + " (set " + CliEnvironment.HOME_VARIABLE + " or give --jdbc-url)");
    }
  }
}
