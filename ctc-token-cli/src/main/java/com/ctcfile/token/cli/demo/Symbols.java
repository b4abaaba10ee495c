package com.ctcfile.token.cli.demo;

/** The few non-ASCII characters the demo prints, with ASCII stand-ins for terminals that lack them. */
enum Symbols {
  UNICODE("✓", "✗", "≤", "−"),
  ASCII("ok", "FAILED", "<=", "-");

  private final String pass;
  private final String fail;
  private final String atMost;
  private final String minus;

  Symbols(String pass, String fail, String atMost, String minus) {
    this.pass = pass;
    this.fail = fail;
    this.atMost = atMost;
    this.minus = minus;
  }

  static Symbols of(boolean unicode) {
    return unicode ? UNICODE : ASCII;
  }

  String verdict(boolean ok) {
    return ok ? pass : fail;
  }

  String atMost() {
    return atMost;
  }

  String minus() {
    return minus;
  }
}
