package com.ctcfile.token.cli;

import com.ctcfile.token.core.TokenStatus;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenKey;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ctc-token status}: what the shared store holds for one key, read-only. Needs no secret and
 * never fetches; prints the token itself only with {@code --show-token}.
 */
@Command(name = "status", sortOptions = false,
    headerHeading = "%n", header = "Show what the shared store holds for a clientId (without the token).",
    descriptionHeading = "%n",
    description = {
        "Reads the store's row for the clientId at the endpoint: the token's version, when it expires, which"
            + " node holds the renewal lease and for how long, and the last failed fetch with the time the fleet"
            + " waits before trying again. It sends nothing to the endpoint and needs no secret. All times are"
            + " the database's."},
    optionListHeading = "%nOptions:%n",
    footerHeading = "%nExample:%n",
    footer = "  ctc-token status --endpoint https://coresite.ctcfile.com --client-id my-id"
        + " --jdbc-url jdbc:postgresql://db:5432/app --jdbc-user app",
    exitCodeListHeading = "%nExit status:%n")
final class StatusCommand implements Callable<Integer> {

  private final CliEnvironment environment;
  private final Redactions redactions;

  @Spec
  CommandSpec spec;

  @Mixin
  EndpointOptions endpoint;

  @Option(names = "--show-token", description = "Also print the token itself (it is a credential).")
  boolean showToken;

  @Mixin
  StoreOptions store;

  @Mixin
  CommonOptions common;

  StatusCommand(CliEnvironment environment, Redactions redactions) {
    this.environment = environment;
    this.redactions = redactions;
  }

  @Override
  public Integer call() {
    CommandLine command = spec.commandLine();
    TokenKey key = endpoint.key(command);
    PrintWriter out = command.getOut();
    if (store.jdbcUrl == null && !defaultStoreExists()) {
      out.println("key         " + key.id());
      out.println("store       " + StoreOptions.defaultDatabase(environment.storeHome()) + " does not exist yet");
      out.println("nothing stored: no `ctc-token token` has run with the default store on this machine");
      out.flush();
      return ExitCodes.OK;
    }
    try (SharedStore shared = SharedStore.open(store, environment, command, redactions)) {
      Optional<StoredToken> row = shared.read(key);
      out.println("key         " + key.id());
      out.println("store       " + shared.description());
      if (row.isEmpty()) {
        out.println("nothing stored for this key: no node has fetched or leased its token yet");
      } else {
        print(out, row.get());
      }
      out.flush();
    }
    return ExitCodes.OK;
  }

  private void print(PrintWriter out, StoredToken row) {
    out.println("version     " + row.version() + (row.version() == 0 ? " (no token published yet)" : ""));
    if (row.value().isPresent()) {
      Duration expiresIn = row.expiresIn();
      // the wording of TokenStatus, so the command and a manager's status line read alike
      String validity = expiresIn.isNegative() || expiresIn.isZero()
          ? TokenStatus.State.EXPIRED.words() + " " + TokenStatus.describe(expiresIn) + " ago"
          : TokenStatus.State.VALID.words() + ", expires in " + TokenStatus.describe(expiresIn);
      out.println("token       " + validity + " (lifetime " + TokenStatus.describe(row.lifetime()) + "), "
          + row.value().get().length() + " characters, type " + row.type()
          + (showToken ? "" : "; --show-token prints it"));
      if (showToken) {
        out.println("value       " + row.value().get());
      }
    }
    out.println("lease       " + (row.isLeased()
        ? "held by " + row.leaseOwner().orElse("?") + ", " + TokenStatus.describe(row.leaseExpiresIn()) + " left"
        : "none"));
    out.println("last error  " + row.lastError()
        .map(code -> code + (row.nextAttemptIn().compareTo(Duration.ZERO) > 0
            ? ", next attempt in " + TokenStatus.describe(row.nextAttemptIn())
            : ", no wait before the next attempt"))
        .orElse("none"));
    if (row.isSettling()) {
      out.println("settling    " + TokenStatus.describe(row.settleIn()) + " left: a fetch of unknown outcome may"
          + " still be answered, no node fetches before then");
    }
  }

  private boolean defaultStoreExists() {
    Path database = StoreOptions.defaultDatabase(environment.storeHome());
    return Files.exists(database.resolveSibling(database.getFileName() + ".mv.db"));
  }

}
