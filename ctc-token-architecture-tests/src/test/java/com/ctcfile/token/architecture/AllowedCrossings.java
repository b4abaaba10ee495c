package com.ctcfile.token.architecture;

import com.tngtech.archunit.core.domain.Dependency;
import java.util.List;
import java.util.Set;

/**
 * The named exceptions to "no adapter uses another" (see the module table of docs/ARCHITECTURE.md):
 * wiring, not use. Each entry is one configuration class of the Micronaut module or the Spring Boot
 * starter and the classes of one optional module it may name; nothing else crosses.
 */
final class AllowedCrossings {

  private static final String MICRONAUT = "com.ctcfile.token.transport.micronaut.";
  private static final String STORE = "com.ctcfile.token.store.jdbc.JdbcTokenStore";
  private static final String METRICS = "com.ctcfile.token.micrometer.CtcTokenMetrics";

  /**
   * A Micronaut factory that creates a {@code bean} of an optional module, guarded by
   * {@code @Requires(classes = bean)}, may name {@code factoryTargets}; the bean definitions Micronaut
   * generates for it ({@code $Factory$...Definition}) name the bean's class alone, in that guard, in
   * their generic types and in their destroy hooks.
   */
  private record Crossing(String factory, String bean, Set<String> factoryTargets) {
    boolean permits(String origin, String target) {
      if (origin.equals(MICRONAUT + factory)) {
        return factoryTargets.contains(target);
      }
      return origin.startsWith(MICRONAUT + "$" + factory + "$") && origin.endsWith("Definition") && target.equals(bean);
    }
  }

  private static final String SPRING = "com.ctcfile.token.spring.boot.";

  /**
   * A Spring Boot auto-configuration class that wires an optional module, skipped by
   * {@code @ConditionalOnClass} when that module is absent, may name {@code targets}: the class itself,
   * its lambdas and its nested classes (a bean post-processor, say), nothing else of the starter.
   */
  private record SpringCrossing(String configuration, Set<String> targets) {
    boolean permits(String origin, String target) {
      return (origin.equals(SPRING + configuration) || origin.startsWith(SPRING + configuration + "$"))
          && targets.contains(target);
    }
  }

  private static final List<SpringCrossing> SPRING_CROSSINGS = List.of(
      // makes the JdbcTokenStore of ctc.token.store=jdbc on the application's DataSource
      new SpringCrossing("CtcTokenJdbcStoreConfiguration", Set.of(STORE, STORE + "$Builder")),
      // binds the ctc.token.* meters when the application has a MeterRegistry bean
      new SpringCrossing("CtcTokenMetricsAutoConfiguration", Set.of(METRICS, METRICS + "$Builder")));

  private static final List<Crossing> CROSSINGS = List.of(
      // creates a JdbcTokenStore when the application asks for ctc.token.store=jdbc
      new Crossing("JdbcTokenStoreFactory", STORE, Set.of(STORE, STORE + "$Builder")),
      // binds the ctc.token.* meters when the application has a MeterRegistry bean
      new Crossing("CtcTokenMetricsFactory", METRICS, Set.of(METRICS, METRICS + "$Builder")));

  private AllowedCrossings() {}

  static boolean permits(Dependency dependency) {
    String origin = dependency.getOriginClass().getName();
    String target = dependency.getTargetClass().getName();
    // the starter is built on the JDK transport: its default token transport, named in its module table row
    if (origin.startsWith(SPRING) && target.startsWith("com.ctcfile.token.transport.jdk.")) {
      return true;
    }
    return CROSSINGS.stream().anyMatch(crossing -> crossing.permits(origin, target))
        || SPRING_CROSSINGS.stream().anyMatch(crossing -> crossing.permits(origin, target));
  }
}
