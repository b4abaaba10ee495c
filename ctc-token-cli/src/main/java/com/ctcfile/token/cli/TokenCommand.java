package com.ctcfile.token.cli;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.wire.JsonStrings;
import com.ctcfile.token.transport.httpclient5.HttpClient5Transport;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code ctc-token token}: prints the fleet's current token for a script, taking it from the shared
 * store, and fetching (under the fleet's lease) only when the store holds no token valid long enough.
 * So it never breaks the token the fleet's services are using, as a plain request to the token
 * endpoint would.
 */
@Command(name = "token", sortOptions = false,
    headerHeading = "%n", header = "Print the current CTC access token, shared with the fleet through its database.",
    descriptionHeading = "%n",
    description = {
        "Prints the token the fleet's services use right now, taking it from the shared store. It fetches a new"
            + " token only when the store has none that is valid for --min-valid more, and then under the fleet's"
            + " renewal lease, exactly as a service would; everyone else adopts that token.",
        "",
        "Do not use curl on the token endpoint instead: every fetch invalidates the previous token, so a plain"
            + " request breaks the token of every running instance on the same clientId.",
        "",
        "The client secret comes from the environment variable CTC_CLIENT_SECRET or from --client-secret-file,"
            + " never from an option's value (which every user of the machine can read in ps)."},
    optionListHeading = "%nOptions:%n",
    footerHeading = "%nExamples:%n",
    footer = {
        "  export CTC_CLIENT_SECRET=...        # or --client-secret-file ~/.ctc-secret",
        "  AUTH=$(ctc-token token --endpoint https://coresite.ctcfile.com --client-id my-id --header \\",
        "      --jdbc-url jdbc:postgresql://db:5432/app --jdbc-user app)   # with CTC_JDBC_PASSWORD set",
        "  curl -H \"Authorization: $AUTH\" https://coresite.ctcfile.com/api/...",
        "  ctc-token token --endpoint https://coresite.ctcfile.com --client-id my-id --json --local-store",
        "      # only when no service shares the clientId: the token lives in ~/.ctc-token"},
    exitCodeListHeading = "%nExit status:%n")
final class TokenCommand implements Callable<Integer> {

  static final String SECRET_VARIABLE = "CTC_CLIENT_SECRET";
  static final String LOCAL_STORE_VARIABLE = "CTC_TOKEN_LOCAL_STORE";

  private final CliEnvironment environment;
  private final Redactions redactions;

  @Spec
  CommandSpec spec;

  @Mixin
  EndpointOptions endpoint;

  @Option(names = "--client-secret-file", paramLabel = "PATH",
      description = "A file holding the client secret ('-' for standard input). Default: the environment"
          + " variable " + SECRET_VARIABLE + ".")
  Path secretFile;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Format format;

  @Option(names = "--min-valid", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
      description = "The least time the printed token must stay valid; a stored token expiring sooner is renewed"
          + " first (capped at half the token's lifetime). Default: ${DEFAULT-VALUE}.")
  Duration minValid;

  @Option(names = "--allow-insecure-http",
      description = "Allow a plain-http endpoint on a host other than loopback (the secret would cross the"
          + " network in clear text). http to loopback is always allowed.")
  boolean allowInsecureHttp;

  @Mixin
  StoreOptions store;

  @Option(names = "--local-store",
      description = {"Without --jdbc-url, keep the token in an H2 file that only this machine sees (~/.ctc-token,"
          + " or $CTC_TOKEN_HOME). Needed on purpose, or with the environment variable " + LOCAL_STORE_VARIABLE
          + "=true: a fetch into a private store invalidates the token of every service on the same clientId."})
  boolean localStore;

  @Mixin
  CommonOptions common;

  TokenCommand(CliEnvironment environment, Redactions redactions) {
    this.environment = environment;
    this.redactions = redactions;
  }

  /** How the token is printed; the bare token when neither is given. */
  static final class Format {
    @Option(names = "--header", description = "Print the Authorization header value: Bearer <token>.")
    boolean header;

    @Option(names = "--json", description = "Print {\"token\":...,\"type\":...,\"expiresAt\":...,\"version\":...}.")
    boolean json;
  }

  @Override
  public Integer call() {
    CommandLine command = spec.commandLine();
    URI uri = endpoint.endpoint(command);
    requireAStoreChoice(command);
    String secret = SecretInput.read(command, environment, secretFile, "--client-secret-file", SECRET_VARIABLE,
            redactions)
        .orElseThrow(() -> new ParameterException(command, "no client secret: set the environment variable "
            + SECRET_VARIABLE + " or give --client-secret-file PATH"));
    try (SharedStore shared = SharedStore.open(store, environment, command, redactions);
         TokenManager tokens = manager(command, uri, secret, shared)) {
      AccessToken token = validFor(tokens, shared, tokens.token());
      print(command.getOut(), token);
    }
    return ExitCodes.OK;
  }

  /**
   * The fleet's database, or an explicit choice of a private store: a fetch into a store the fleet
   * does not read invalidates the token every service on the clientId is using.
   */
  private void requireAStoreChoice(CommandLine command) {
    boolean chosen = store.jdbcUrl != null || localStore
        || environment.variable(LOCAL_STORE_VARIABLE).map("true"::equalsIgnoreCase).orElse(false);
    if (!chosen) {
      throw new ParameterException(command, "no --jdbc-url: give the database the fleet shares its token in;"
          + " a token fetched into a store only this machine sees invalidates the token of every service on"
          + " this clientId. If none shares it, say so with --local-store (or " + LOCAL_STORE_VARIABLE + "=true)");
    }
  }

  private TokenManager manager(CommandLine command, URI uri, String secret, SharedStore shared) {
    HttpClient5Transport transport = HttpClient5Transport.create();
    try {
      return TokenManager.builder()
          .endpoint(uri)
          .clientId(endpoint.clientId)
          .clientSecret(secret)
          .transport(transport)
          .store(shared.store())
          .refreshAhead(minValid)
          .allowInsecureHttp(allowInsecureHttp)
          .nodeId(nodeId())
          .build();
    } catch (IllegalArgumentException e) {
      transport.close();
      // the builder names options and the endpoint, never the secret
      throw new ParameterException(command, e.getMessage().replace("allowInsecureHttp(true)", "--allow-insecure-http"));
    }
  }

  /**
   * {@code token}, or a newer one if it expires within {@code --min-valid} (capped at half its
   * lifetime, as the manager caps its refresh-ahead). The manager then has started renewing it
   * already; waiting for that renewal, rather than exiting in the middle of it, matters: a fetch that
   * is never published would invalidate the fleet's token and leave nobody the new one.
   */
  private AccessToken validFor(TokenManager tokens, SharedStore shared, AccessToken token) {
    Optional<StoredToken> row = shared.read(tokens.key());
    if (row.isEmpty() || row.get().version() != token.version()) {
      return token;
    }
    Duration halfLifetime = row.get().lifetime().dividedBy(2);
    Duration window = minValid.compareTo(halfLifetime) < 0 ? minValid : halfLifetime;
    if (Duration.between(Instant.now(), token.expiresAt()).compareTo(window) >= 0) {
      return token;
    }
    // "a token newer than this one": joins the renewal in flight, or renews under the fleet's lease
    return tokens.renewAfterRejection(token);
  }

  private void print(PrintWriter out, AccessToken token) {
    if (format != null && format.header) {
      out.println(token.authorizationHeaderValue());
    } else if (format != null && format.json) {
      out.println("{\"token\":" + JsonStrings.quote(token.value()) + ",\"type\":" + JsonStrings.quote(token.type())
          + ",\"expiresAt\":" + JsonStrings.quote(token.expiresAt().toString()) + ",\"version\":" + token.version() + "}");
    } else {
      out.println(token.value());
    }
    out.flush();
  }

  private static String nodeId() {
    String host = System.getenv("HOSTNAME");
    return "ctc-token-cli/" + (host == null || host.isBlank() ? "" : host + "/") + ProcessHandle.current().pid();
  }
}
