package com.ctcfile.token.architecture;

import com.tngtech.archunit.core.domain.Dependency;
import java.util.Set;

/**
 * The named exceptions to "no adapter uses another" (DESIGN.md §2): wiring, not use. Each entry is
 * one class pair; nothing else crosses.
 */
final class AllowedCrossings {

  /**
   * origin class -> target class. The Micronaut factory creates a JdbcTokenStore when the application
   * asks for one, guarded by {@code @Requires(classes = JdbcTokenStore.class)}; the bean definitions
   * Micronaut generates for that factory name the class in that guard.
   */
  private static final String FACTORY = "com.ctcfile.token.transport.micronaut.JdbcTokenStoreFactory";
  private static final String FACTORY_DEFINITIONS = "com.ctcfile.token.transport.micronaut.$JdbcTokenStoreFactory$";
  private static final String STORE = "com.ctcfile.token.store.jdbc.JdbcTokenStore";
  private static final Set<String> PAIRS = Set.of(
      FACTORY + "->" + STORE,
      FACTORY + "->" + STORE + "$Builder");

  private AllowedCrossings() {}

  static boolean permits(Dependency dependency) {
    String origin = dependency.getOriginClass().getName();
    String target = dependency.getTargetClass().getName();
    boolean generatedForFactory = origin.startsWith(FACTORY_DEFINITIONS) && origin.endsWith("Definition")
        && target.equals(STORE);
    return PAIRS.contains(origin + "->" + target) || generatedForFactory;
  }
}
