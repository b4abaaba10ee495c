package com.ctcfile.token.core.archfixture;

/** Breaks the public-surface rule on purpose: a public method hands out a package-private type. */
public class LeakySignature {

  public Hidden hidden() {
    return new Hidden();
  }

  static final class Hidden {}
}
