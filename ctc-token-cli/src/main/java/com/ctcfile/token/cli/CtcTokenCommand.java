package com.ctcfile.token.cli;

import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenStoreException;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code ctc-token} command: {@code demo}, {@code token} and {@code status}.
 *
 * <p>Every command prints its result on standard output and a failure as one line on standard
 * error (with the stack trace after it only under {@code --verbose}), and exits with a status from
 * {@link ExitCodes}. The client secret is never printed, whatever fails.
 */
@Command(name = "ctc-token", mixinStandardHelpOptions = true, versionProvider = CtcTokenCommand.Version.class,
    synopsisSubcommandLabel = "COMMAND",
    headerHeading = "%n", header = "Gets, shares and renews the CTC access token across a fleet of services.",
    descriptionHeading = "%n",
    description = {
        "Start with the demo: four services (Apache HttpClient 5, Vert.x, Micronaut, Spring Boot) share one token through one"
            + " database against a strict fake CTC server, and fetch it once per renewal cycle between them.",
        "",
        "  ctc-token demo",
        "  export CTC_CLIENT_SECRET=...",
        "  ctc-token token --endpoint https://coresite.ctcfile.com --client-id my-id"},
    optionListHeading = "%nOptions:%n",
    commandListHeading = "%nCommands:%n",
    footerHeading = "%n",
    footer = "Run 'ctc-token COMMAND --help' for a command's options.",
    exitCodeListHeading = "%nExit status:%n")
public final class CtcTokenCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  private CtcTokenCommand() {}

  /** Runs the command line {@code args} and exits the JVM with its status. */
  public static void main(String[] args) {
    silenceLibraryLogging();
    Charset charset = stdoutCharset();
    PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), charset), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), charset), true);
    int status = commandLine(CliEnvironment.system(charset)).setOut(out).setErr(err).execute(args);
    out.flush();
    err.flush();
    // Vert.x, Micronaut and the pools may leave non-daemon threads behind for a moment
    System.exit(status);
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "name a command: demo, token or status");
  }

  /** The command line with every subcommand, exit status and error line wired; {@code execute} it. */
  static CommandLine commandLine(CliEnvironment environment) {
    Redactions redactions = new Redactions();
    CommandLine root = new CommandLine(new CtcTokenCommand());
    root.addSubcommand(new CommandLine(new DemoCommand(environment)));
    root.addSubcommand(new CommandLine(new TokenCommand(environment, redactions)));
    root.addSubcommand(new CommandLine(new StatusCommand(environment, redactions)));
    root.addSubcommand(new CommandLine(new CommandLine.HelpCommand()));
    Map<String, String> exitCodes = new LinkedHashMap<>();
    for (String entry : ExitCodes.LIST) {
      int colon = entry.indexOf(':');
      exitCodes.put(entry.substring(0, colon), entry.substring(colon + 1));
    }
    applyEverywhere(root, exitCodes);
    root.setParameterExceptionHandler(usageErrors(redactions));
    root.setExecutionExceptionHandler(failures(redactions));
    root.setExitCodeExceptionMapper(ExitCodes::of);
    return root;
  }

  private static void applyEverywhere(CommandLine command, Map<String, String> exitCodes) {
    command.getCommandSpec().usageMessage().exitCodeList(exitCodes);
    command.getCommandSpec().usageMessage().width(100);
    // "Usage: ..." first, then the one-line header (which the root's command list also shows)
    List<String> sections = new ArrayList<>(command.getHelpSectionKeys());
    sections.removeAll(List.of(CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER_HEADING,
        CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER));
    int synopsis = sections.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS);
    sections.addAll(synopsis + 1, List.of(CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER_HEADING,
        CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER));
    command.setHelpSectionKeys(sections);
    for (CommandLine sub : command.getSubcommands().values()) {
      applyEverywhere(sub, exitCodes);
    }
  }

  /** One line for a usage error, never echoing an argument that is not an option name. */
  private static IParameterExceptionHandler usageErrors(Redactions redactions) {
    return (ParameterException e, String[] args) -> {
      CommandLine command = e.getCommandLine();
      String name = command.getCommandSpec().qualifiedName();
      String message = e instanceof UnmatchedArgumentException
          ? unmatched((UnmatchedArgumentException) e)
          : oneLine(e.getMessage());
      command.getErr().println(redactions.scrub(name + ": " + message + " (see '" + name + " --help')"));
      command.getErr().flush();
      return ExitCodes.USAGE;
    };
  }

  /**
   * Names the unknown options only: an unexpected value may be a secret someone tried to pass on the
   * command line, and this line may end up in a CI log.
   */
  private static String unmatched(UnmatchedArgumentException e) {
    List<String> options = new ArrayList<>();
    int values = 0;
    boolean secretOption = false;
    for (String argument : e.getUnmatched()) {
      if (argument.startsWith("-") && argument.length() > 1) {
        String option = argument.contains("=") ? argument.substring(0, argument.indexOf('=')) : argument;
        options.add(option);
        secretOption |= option.startsWith("--client-secret") || option.startsWith("--jdbc-password");
      } else {
        values++;
      }
    }
    StringBuilder message = new StringBuilder();
    if (!options.isEmpty()) {
      message.append("unknown option").append(options.size() > 1 ? "s " : " ").append(String.join(", ", options));
    }
    if (values > 0) {
      message.append(message.length() > 0 ? " and " : "").append(values)
          .append(values > 1 ? " unexpected arguments" : " unexpected argument");
    }
    if (secretOption) {
      message.append("; secrets are never given as option values (ps shows them): set CTC_CLIENT_SECRET or use"
          + " --client-secret-file, and CTC_JDBC_PASSWORD or --jdbc-password-file");
    }
    return message.toString();
  }

  /** One line naming the failure, and the stack trace too with {@code --verbose}; the status from {@link ExitCodes}. */
  private static IExecutionExceptionHandler failures(Redactions redactions) {
    return (Exception thrown, CommandLine command, ParseResult parseResult) -> {
      Throwable failure = unwrap(thrown);
      PrintWriter err = command.getErr();
      err.println(redactions.scrub(command.getCommandSpec().qualifiedName() + ": " + describe(failure)));
      if (isVerbose(command)) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        err.print(redactions.scrub(trace.toString()));
      }
      err.flush();
      return ExitCodes.of(failure);
    };
  }

  static String describe(Throwable failure) {
    if (failure instanceof CtcApiException) {
      CtcApiException api = (CtcApiException) failure;
      return "the token endpoint answered errcode " + api.errcode()
          + (api.errmsg().isEmpty() ? "" : " errmsg \"" + oneLine(api.errmsg()) + "\"")
          + " (HTTP " + api.httpStatus() + ")";
    }
    if (failure instanceof TokenStoreException) {
      String message = failure.getMessage()
          .replace("or build the store with createTableIfMissing(true)", "or run again with --create-table");
      // the store keeps the driver's exception only for failures to connect, whose message is safe
      // and says what an operator needs ("Connection to db:5432 refused"); statement failures carry none
      Throwable root = failure;
      boolean connecting = false;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
        connecting |= isConnectionFailure(root);
      }
      if (connecting && root.getMessage() != null && !message.contains(root.getMessage())) {
        message += " (" + root.getMessage() + ")";
      }
      return "store failed: " + oneLine(message);
    }
    if (failure instanceof CtcTokenException) {
      return oneLine(failure.getMessage());
    }
    return "unexpected " + failure.getClass().getName()
        + (failure.getMessage() == null ? "" : ": " + oneLine(failure.getMessage()));
  }

  /** SQLState class 08 (connection) or 28 (authorization): the database was never reached as a user. */
  private static boolean isConnectionFailure(Throwable failure) {
    if (!(failure instanceof SQLException)) {
      return false;
    }
    String state = ((SQLException) failure).getSQLState();
    return state != null && (state.startsWith("08") || state.startsWith("28"));
  }

  private static Throwable unwrap(Throwable thrown) {
    Throwable failure = thrown;
    while ((failure instanceof CompletionException || failure instanceof ExecutionException)
        && failure.getCause() != null) {
      failure = failure.getCause();
    }
    return failure;
  }

  private static boolean isVerbose(CommandLine command) {
    ParseResult parsed = command.getParseResult();
    return parsed != null && parsed.hasMatchedOption(CommonOptions.VERBOSE);
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }

  private static Charset stdoutCharset() {
    for (String property : new String[] {"stdout.encoding", "sun.stdout.encoding"}) {
      String name = System.getProperty(property);
      if (name != null && Charset.isSupported(name)) {
        return Charset.forName(name);
      }
    }
    return Charset.defaultCharset();
  }

  /**
   * A command prints what it has to say itself. Below it, libraries log through SLF4J (bound to
   * nothing here) and java.util.logging (switched off): at debug levels some print request URIs,
   * and the token request's URI holds the secret.
   */
  private static void silenceLibraryLogging() {
    LogManager.getLogManager().reset();
    Logger.getLogger("").setLevel(Level.OFF);
  }

  /** {@code --version}: the jar's Implementation-Version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = CtcTokenCommand.class.getPackage().getImplementationVersion();
      return new String[] {"ctc-token " + (version == null ? "(development build)" : version)};
    }
  }
}
