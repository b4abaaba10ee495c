package com.ctcfile.token.architecture;

import com.tngtech.archunit.core.domain.Dependency;
import java.util.Set;

/**
 * The named exceptions to "no adapter uses another" (DESIGN.md §2): wiring, not use. Each entry is
 * one class pair; nothing else crosses.
 */
final class AllowedCrossings {

  /** origin class -> target class. */
  private static final Set<String> PAIRS = Set.of();

  private AllowedCrossings() {}

  static boolean permits(Dependency dependency) {
    return PAIRS.contains(dependency.getOriginClass().getName() + "->" + dependency.getTargetClass().getName());
  }
}
