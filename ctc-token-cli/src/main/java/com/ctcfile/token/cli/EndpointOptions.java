package com.ctcfile.token.cli;

import com.ctcfile.token.core.port.TokenKey;
import java.net.URI;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Which token: a clientId at a CTC endpoint, the key under which the fleet shares it. */
final class EndpointOptions {

  @Option(names = "--endpoint", required = true, paramLabel = "URL",
      description = "The CTC site, e.g. https://coresite.ctcfile.com (/oauth/accesstoken is appended).")
  URI endpoint;

  @Option(names = "--client-id", required = true, paramLabel = "ID", description = "Your CTC clientId.")
  String clientId;

  /**
   * The endpoint, checked to be an absolute http(s) URI with a host.
   *
   * @throws ParameterException (exit status 2) otherwise
   */
  URI endpoint(CommandLine command) {
    String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
    if (!endpoint.isAbsolute() || endpoint.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new ParameterException(command, "--endpoint must be an https URL with a host, such as"
          + " https://coresite.ctcfile.com (not '" + endpoint + "')");
    }
    if (clientId.isBlank()) {
      throw new ParameterException(command, "--client-id must not be blank");
    }
    return endpoint;
  }

  /** The key of the token in the shared store. */
  TokenKey key(CommandLine command) {
    return TokenKey.of(endpoint(command), clientId);
  }
}
