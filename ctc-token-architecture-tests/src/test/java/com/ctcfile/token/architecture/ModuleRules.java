package com.ctcfile.token.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.List;
import java.util.Optional;

/**
 * The allowed arrows between ctc-token's modules (docs/ARCHITECTURE.md, "Modules and allowed arrows"),
 * one rule per arrow, each saying why, and the rule that keeps the supported surface honest.
 * {@link ArchitectureTest} checks them against every module; {@link RulesCatchViolationsTest} shows
 * each one fails on a class that breaks it.
 */
final class ModuleRules {

  static final String API = "com.ctcfile.token";
  static final String CORE = "com.ctcfile.token.core..";
  static final String TESTKIT = "com.ctcfile.token.testkit..";
  static final String HTTPCLIENT5 = "com.ctcfile.token.transport.httpclient5..";
  static final String VERTX = "com.ctcfile.token.transport.vertx..";
  static final String MICRONAUT = "com.ctcfile.token.transport.micronaut..";
  static final String JDK_HTTP = "com.ctcfile.token.transport.jdk..";
  static final String SPRING_BOOT = "com.ctcfile.token.spring.boot..";
  static final String JDBC = "com.ctcfile.token.store.jdbc..";
  static final String MICROMETER = "com.ctcfile.token.micrometer..";
  static final String CLI = "com.ctcfile.token.cli..";
  static final String BENCHMARKS = "com.ctcfile.token.benchmarks..";

  /** Modules that plug one technology into core; none may use another. */
  static final List<String> ADAPTERS = List.of(HTTPCLIENT5, VERTX, MICRONAUT, JDK_HTTP, SPRING_BOOT, JDBC,
      MICROMETER);

  private static final String[] HTTP_STACKS_AND_SQL = {
      "org.apache.hc..", "io.vertx..", "io.micronaut..", "io.netty..", "okhttp3..", "java.net.http..",
      "com.sun.net.httpserver..", "java.sql..", "javax.sql.."};

  private ModuleRules() {}

  static final ArchRule API_USES_THE_JDK_ONLY = classes().that().resideInAPackage(API)
      .should().onlyDependOnClassesThat().resideInAnyPackage("java..", API)
      .because("every user touches the api module, so it must bring no dependency of its own");

  static final ArchRule CORE_SEES_NO_HTTP_STACK_OR_SQL = noClasses().that().resideInAPackage(CORE)
      .should().dependOnClassesThat().resideInAnyPackage(HTTP_STACKS_AND_SQL)
      .because("core is the pure domain: HTTP and databases come in through the Transport and TokenStore ports");

  static final ArchRule CORE_DEPENDS_ON_API_AND_JDK_ONLY = classes().that().resideInAPackage(CORE)
      .should().onlyDependOnClassesThat().resideInAnyPackage("java..", API, CORE)
      .because("core may depend on api and the JDK only: its wire codec reads JSON by hand, so no module brings a"
          + " JSON library into an application");

  static final ArchRule MICROMETER_MODULE_DEPENDS_ON_CORE_AND_MICROMETER_ONLY = classes().that()
      .resideInAPackage(MICROMETER)
      .should().onlyDependOnClassesThat(resideInAnyPackage("java..", API, CORE, MICROMETER, "io.micrometer..")
          .and(not(resideInAnyPackage(HTTP_STACKS_AND_SQL))))
      .because("the Micrometer module shows core's events and status as meters: it brings Micrometer and nothing"
          + " else, and never an HTTP stack or a database");

  static final ArchRule JDK_TRANSPORT_USES_CORE_AND_THE_JDK_ONLY = classes().that().resideInAPackage(JDK_HTTP)
      .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.net.ssl..", API, CORE, JDK_HTTP)
      .because("ctc-transport-jdk is for applications that want no HTTP library: it may use the JDK, api and core only");

  static final ArchRule SPRING_STARTER_USES_CORE_THE_JDK_TRANSPORT_AND_SPRING_ONLY = classes().that()
      .resideInAPackage(SPRING_BOOT)
      .should().onlyDependOnClassesThat(resideInAnyPackage("java..", "javax.sql..", API, CORE, JDK_HTTP, SPRING_BOOT,
          "org.springframework..", "reactor..", "org.reactivestreams..", "org.apache.commons.logging..", JDBC,
          MICROMETER, "io.micrometer..")
          .and(not(resideInAnyPackage("org.apache.hc..", "io.vertx..", "io.micronaut..", "io.netty..", "okhttp3.."))))
      .because("the Spring Boot starter wires core, the JDK transport and Spring: it brings no other HTTP stack, and"
          + " reaches ctc-store-jdbc and ctc-token-micrometer only as the named crossings of its auto-configuration");

  static final ArchRule TESTKIT_USES_NO_ADAPTER = noClasses().that().resideInAPackage(TESTKIT)
      .should().dependOnClassesThat().resideInAnyPackage(ADAPTERS.toArray(String[]::new))
      .because("every adapter's tests extend the testkit's contract bases, so the testkit must not know any adapter");

  static final ArchRule NO_ADAPTER_USES_ANOTHER = noClasses().that(
          com.tngtech.archunit.base.DescribedPredicate.describe("are in an adapter module",
              (JavaClass c) -> adapterOf(c).isPresent()))
      .should(useNoOtherAdapter())
      .because("adapters are independent plug-ins: a user adds the ones they need and no others");

  static final ArchRule NO_LIBRARY_MODULE_USES_A_COMPOSITION_ROOT = noClasses()
      .that().resideOutsideOfPackages(CLI, BENCHMARKS)
      .should().dependOnClassesThat().resideInAnyPackage(CLI, BENCHMARKS)
      .because("the CLI and the benchmarks compose the library; nothing in the library may depend on them");

  static final ArchRule NO_INTERNAL_PACKAGE_USED_ACROSS_MODULES = noClasses()
      .should(useAnotherModulesInternals())
      .because("an .internal package is free to change; only its own module may use it");

  static final ArchRule NO_PACKAGE_CYCLES = slices().matching("com.ctcfile.token.(**)")
      .should().beFreeOfCycles()
      .because("cycles make packages impossible to understand or move on their own");

  static final ArchRule NO_IMPL_NAMES = noClasses().should().haveSimpleNameEndingWith("Impl")
      .because("a name says the role (HttpClient5Transport, JdbcTokenStore), not that it implements something");

  static final ArchRule NO_GRAB_BAG_PACKAGES = noClasses()
      .should().resideInAnyPackage("..util..", "..utils..", "..helper..", "..helpers..", "..common..")
      .because("packages are honest about what they hold");

  /**
   * What a user can see is what a user may use: a public or protected method, constructor or field of
   * a public class shows only types a user may name, so a package-private class or one of an
   * {@code .internal} package never leaks into a supported signature.
   */
  static final ArchRule PUBLIC_SIGNATURES_SHOW_ONLY_SUPPORTED_TYPES = classes()
      .that().resideInAPackage("com.ctcfile.token..").and().arePublic()
      .and().resideOutsideOfPackages("..internal..", CLI, BENCHMARKS)
      .should(exposeOnlySupportedTypes())
      .because("users may import the api, core's builder, registry, status, ports and listener, and each adapter's"
          + " entry classes; everything else is package-private or internal, and a public signature must not"
          + " hand a user a type they cannot name or must not rely on");

  static List<ArchRule> all() {
    return List.of(API_USES_THE_JDK_ONLY, CORE_SEES_NO_HTTP_STACK_OR_SQL, CORE_DEPENDS_ON_API_AND_JDK_ONLY,
        MICROMETER_MODULE_DEPENDS_ON_CORE_AND_MICROMETER_ONLY, JDK_TRANSPORT_USES_CORE_AND_THE_JDK_ONLY,
        SPRING_STARTER_USES_CORE_THE_JDK_TRANSPORT_AND_SPRING_ONLY,
        TESTKIT_USES_NO_ADAPTER, NO_ADAPTER_USES_ANOTHER,
        NO_LIBRARY_MODULE_USES_A_COMPOSITION_ROOT, NO_INTERNAL_PACKAGE_USED_ACROSS_MODULES, NO_PACKAGE_CYCLES,
        NO_IMPL_NAMES, NO_GRAB_BAG_PACKAGES, PUBLIC_SIGNATURES_SHOW_ONLY_SUPPORTED_TYPES);
  }

  static Optional<String> adapterOf(JavaClass javaClass) {
    return ADAPTERS.stream().filter(adapter -> resides(javaClass, adapter)).findFirst();
  }

  private static boolean resides(JavaClass javaClass, String packagePattern) {
    String base = packagePattern.substring(0, packagePattern.length() - 2);
    String name = javaClass.getPackageName();
    return name.equals(base) || name.startsWith(base + ".");
  }

  private static ArchCondition<JavaClass> useNoOtherAdapter() {
    return new ArchCondition<>("use another adapter module") {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        String own = adapterOf(origin).orElseThrow();
        for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
          Optional<String> target = adapterOf(dependency.getTargetClass());
          if (target.isPresent() && !target.get().equals(own) && !AllowedCrossings.permits(dependency)) {
            events.add(SimpleConditionEvent.satisfied(dependency, dependency.getDescription()));
          }
        }
      }
    };
  }

  private static ArchCondition<JavaClass> exposeOnlySupportedTypes() {
    return new ArchCondition<>("show only supported types in public signatures") {
      @Override
      public void check(JavaClass owner, ConditionEvents events) {
        for (JavaMember member : owner.getMembers()) {
          if (!isVisible(member.getModifiers())) {
            continue;
          }
          for (JavaClass shown : shownTypes(member)) {
            if (!isSupported(shown)) {
              events.add(SimpleConditionEvent.violated(member, member.getFullName() + " shows "
                  + shown.getName() + ", which users cannot name or must not rely on"));
            }
          }
        }
      }
    };
  }

  private static boolean isVisible(java.util.Set<JavaModifier> modifiers) {
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }

  private static List<JavaClass> shownTypes(JavaMember member) {
    List<JavaClass> shown = new java.util.ArrayList<>();
    if (member instanceof JavaField) {
      shown.add(((JavaField) member).getRawType());
    } else if (member instanceof JavaCodeUnit) {
      JavaCodeUnit unit = (JavaCodeUnit) member;
      shown.add(unit.getRawReturnType());
      shown.addAll(unit.getRawParameterTypes());
    }
    return shown;
  }

  /** A type of ours is supported when it and every class around it are public and it is not internal. */
  private static boolean isSupported(JavaClass type) {
    JavaClass base = type.isArray() ? type.getBaseComponentType() : type;
    if (!base.getPackageName().startsWith("com.ctcfile.token")) {
      return true;
    }
    if (base.getPackageName().contains(".internal")) {
      return false;
    }
    for (Optional<JavaClass> c = Optional.of(base); c.isPresent(); c = c.get().getEnclosingClass()) {
      if (!c.get().getModifiers().contains(JavaModifier.PUBLIC) && !isProtectedNested(c.get())) {
        return false;
      }
    }
    return true;
  }

  private static boolean isProtectedNested(JavaClass c) {
    return c.getEnclosingClass().isPresent() && c.getModifiers().contains(JavaModifier.PROTECTED);
  }

  private static ArchCondition<JavaClass> useAnotherModulesInternals() {
    return new ArchCondition<>("use another module's .internal package") {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
          String target = dependency.getTargetClass().getPackageName();
          int internal = target.indexOf(".internal");
          if (target.startsWith("com.ctcfile.token.") && internal > 0) {
            String owner = target.substring(0, internal);
            String from = origin.getPackageName();
            if (!from.equals(owner) && !from.startsWith(owner + ".")) {
              events.add(SimpleConditionEvent.satisfied(dependency, dependency.getDescription()));
            }
          }
        }
      }
    };
  }
}
