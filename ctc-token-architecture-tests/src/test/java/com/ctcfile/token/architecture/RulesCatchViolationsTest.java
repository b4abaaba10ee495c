package com.ctcfile.token.architecture;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.cli.archfixture.Cli;
import com.ctcfile.token.core.archfixture.LeakyCore;
import com.ctcfile.token.core.archfixture.LeakySignature;
import com.ctcfile.token.core.archfixture.cycle.a.First;
import com.ctcfile.token.core.archfixture.cycle.b.Second;
import com.ctcfile.token.micrometer.archfixture.LeakyMeters;
import com.ctcfile.token.spring.boot.archfixture.StoreOutsideTheAutoConfiguration;
import com.ctcfile.token.store.jdbc.archfixture.JdbcThing;
import com.ctcfile.token.transport.httpclient5.archfixture.CrossingAdapter;
import com.ctcfile.token.transport.httpclient5.archfixture.TransportImpl;
import com.ctcfile.token.transport.micronaut.archfixture.MetricsOutsideTheFactory;
import com.ctcfile.token.transport.jdk.archfixture.JdkAdapterWithALibrary;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** The rules are not vacuous: each fails on fixture classes that break it on purpose. */
class RulesCatchViolationsTest {

  private static final JavaClasses FIXTURES = new ClassFileImporter().importClasses(
      LeakyCore.class, LeakySignature.class, Cli.class, JdbcThing.class, CrossingAdapter.class, TransportImpl.class, First.class, Second.class,
      LeakyMeters.class, MetricsOutsideTheFactory.class, JdkAdapterWithALibrary.class,
      StoreOutsideTheAutoConfiguration.class);

  private static void assertCaught(ArchRule rule, String offender) {
    assertThatThrownBy(() -> rule.check(FIXTURES)).isInstanceOf(AssertionError.class)
        .hasMessageContaining(offender).hasMessageContaining("because");
  }

  @Test
  void coreUsingSqlIsCaught() {
    assertCaught(ModuleRules.CORE_SEES_NO_HTTP_STACK_OR_SQL, "java.sql.Connection");
  }

  @Test
  void coreUsingSomethingBesidesApiAndJdkIsCaught() {
    assertCaught(ModuleRules.CORE_DEPENDS_ON_API_AND_JDK_ONLY, "Cli");
  }

  @Test
  void aLibraryInTheJdkTransportIsCaught() {
    assertCaught(ModuleRules.JDK_TRANSPORT_USES_CORE_AND_THE_JDK_ONLY, "org.apache.hc.core5.http.HttpHost");
  }

  @Test
  void anAdapterUsingAnotherIsCaught() {
    assertCaught(ModuleRules.NO_ADAPTER_USES_ANOTHER, "JdbcThing");
  }

  @Test
  void theMicrometerModuleUsingSqlOrAnotherModuleIsCaught() {
    assertCaught(ModuleRules.MICROMETER_MODULE_DEPENDS_ON_CORE_AND_MICROMETER_ONLY, "java.sql.Connection");
    assertCaught(ModuleRules.MICROMETER_MODULE_DEPENDS_ON_CORE_AND_MICROMETER_ONLY, "FakeCtcServer");
  }

  @Test
  void aMicronautClassOtherThanTheMetricsFactoryUsingTheMicrometerModuleIsCaught() {
    assertCaught(ModuleRules.NO_ADAPTER_USES_ANOTHER, "MetricsOutsideTheFactory");
  }

  @Test
  void aStarterClassOtherThanItsJdbcConfigurationUsingTheStoreIsCaught() {
    assertCaught(ModuleRules.NO_ADAPTER_USES_ANOTHER, "StoreOutsideTheAutoConfiguration");
  }

  @Test
  void anotherHttpStackInTheSpringStarterIsCaught() {
    assertCaught(ModuleRules.SPRING_STARTER_USES_CORE_THE_JDK_TRANSPORT_AND_SPRING_ONLY,
        "org.apache.hc.core5.http.HttpHost");
  }

  @Test
  void anotherModulesInternalsAreCaught() {
    assertCaught(ModuleRules.NO_INTERNAL_PACKAGE_USED_ACROSS_MODULES, "com.ctcfile.token.core.internal.archfixture.InternalThing");
  }

  @Test
  void aLibraryClassUsingACompositionRootIsCaught() {
    assertCaught(ModuleRules.NO_LIBRARY_MODULE_USES_A_COMPOSITION_ROOT, "LeakyCore");
  }

  @Test
  void aPackageCycleIsCaught() {
    assertCaught(ModuleRules.NO_PACKAGE_CYCLES, "Cycle");
  }

  @Test
  void anImplNameIsCaught() {
    assertCaught(ModuleRules.NO_IMPL_NAMES, "TransportImpl");
  }

  @Test
  void aPublicSignatureShowingAPackagePrivateTypeIsCaught() {
    assertCaught(ModuleRules.PUBLIC_SIGNATURES_SHOW_ONLY_SUPPORTED_TYPES, "LeakySignature$Hidden");
  }
}
