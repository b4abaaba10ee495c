package com.ctcfile.token.cli;

import com.ctcfile.token.cli.demo.Demo;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ctc-token demo}: the library at work, with nothing to configure. */
@Command(name = "demo", sortOptions = false,
    headerHeading = "%n", header = "Three services, one clientId, one database: watch them share one token.",
    descriptionHeading = "%n",
    description = {
        "Starts a strict fake CTC server on loopback (every fetch invalidates the previous token; tokens live"
            + " --lifetime), an H2 database file in a temporary directory, and four services in this JVM, one per"
            + " HTTP stack: Apache HttpClient 5 and Vert.x with CtcBearerAuth, Micronaut with CtcBearerFilter"
            + " configured from ctc.token.* properties. Each has its own token manager and JdbcTokenStore on the"
            + " shared database, and calls the server's protected API continuously through its bearer integration.",
        "",
        "A progress line shows the token lifetimes elapsed, the fetches, the calls, the 401s healed (a node whose"
            + " token another node replaced takes the new one from the database and replays the call) and the"
            + " failures. A table per node sums them up.",
        "",
        "It passes (exit status 0) when the token server issued at most one token per renewal cycle, plus the"
            + " first one, for all four services together, and no call failed. A renewal cycle is the lifetime"
            + " minus the refresh-ahead (20 %% of the lifetime): with 3 s tokens, 2.4 s."},
    optionListHeading = "%nOptions:%n",
    exitCodeListHeading = "%nExit status:%n")
final class DemoCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec
  CommandSpec spec;

  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "20s", converter = DurationConverter.class,
      description = "How long the services call. Default: ${DEFAULT-VALUE}.")
  Duration duration;

  @Option(names = "--lifetime", paramLabel = "DURATION", defaultValue = "3s", converter = DurationConverter.class,
      description = "The token lifetime the server issues, in whole seconds. Default: ${DEFAULT-VALUE}.")
  Duration lifetime;

  @Option(names = "--callers", paramLabel = "N", defaultValue = "2",
      description = "Calls each service keeps going at once (1-16). Default: ${DEFAULT-VALUE}.")
  int callers;

  @Option(names = "--pause", paramLabel = "DURATION", defaultValue = "5ms", converter = DurationConverter.class,
      description = "The pause between two calls of one caller. Default: ${DEFAULT-VALUE}.")
  Duration pause;

  @Mixin
  CommonOptions common;

  DemoCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws Exception {
    CommandLine command = spec.commandLine();
    if (duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(Duration.ofHours(24)) > 0) {
      throw new ParameterException(command, "--duration must be between 1s and 24h");
    }
    if (lifetime.toMillis() % 1000 != 0 || lifetime.compareTo(Duration.ofSeconds(1)) < 0
        || lifetime.compareTo(Duration.ofHours(1)) > 0) {
      throw new ParameterException(command, "--lifetime must be whole seconds, 1s to 1h (the server says expires_in"
          + " in seconds)");
    }
    if (callers < 1 || callers > 16) {
      throw new ParameterException(command, "--callers must be 1 to 16");
    }
    if (pause.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new ParameterException(command, "--pause must be at most 10s");
    }
    Demo demo = new Demo(new Demo.Settings(duration, lifetime, callers, pause), command.getOut(),
        environment.interactive(), environment.unicode());
    return demo.run() ? ExitCodes.OK : ExitCodes.DEMO_CONDITION_FAILED;
  }
}
