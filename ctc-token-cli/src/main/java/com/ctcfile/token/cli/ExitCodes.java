package com.ctcfile.token.cli;

import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.TokenProtocolException;
import com.ctcfile.token.TokenStoreException;
import com.ctcfile.token.TokenTransportException;

/** The exit statuses of every {@code ctc-token} command, as its {@code --help} lists them. */
final class ExitCodes {

  static final int OK = 0;
  /** The demo ran, but fetched more than once per renewal cycle or had failed calls. */
  static final int DEMO_CONDITION_FAILED = 1;
  /** Bad or missing arguments, secret, or configuration. */
  static final int USAGE = 2;
  /** The token endpoint answered an errcode ({@link CtcApiException}). */
  static final int API_ERROR = 3;
  /** The token endpoint could not be reached or sent a reply that cannot be accepted. */
  static final int TRANSPORT = 4;
  /** The shared store (database) failed. */
  static final int STORE = 5;
  /** Any other failure: another {@link CtcTokenException} or an unexpected error. */
  static final int OTHER = 6;

  /** For the usage help of every command: {@code code:description}, as picocli's exitCodeList wants them. */
  static final String[] LIST = {
      "0:ok",
      "1:demo: more fetches than renewal cycles + 1, a failed call, or a node without calls",
      "2:usage: bad or missing option, no client secret, an endpoint or JDBC URL that cannot be used",
      "3:the token endpoint answered an errcode (printed with its errmsg), e.g. a wrong secret",
      "4:the token endpoint could not be reached in time, or its reply was not a usable token",
      "5:the shared store (the database) failed",
      "6:any other failure (the message says which), e.g. a renewal refused by the rate limit",
  };

  private ExitCodes() {}

  /** The exit status for a failure a command threw. */
  static int of(Throwable failure) {
    if (failure instanceof CtcApiException) {
      return API_ERROR;
    }
    if (failure instanceof TokenTransportException || failure instanceof TokenProtocolException) {
      return TRANSPORT;
    }
    if (failure instanceof TokenStoreException) {
      return STORE;
    }
    return OTHER;
  }
}
