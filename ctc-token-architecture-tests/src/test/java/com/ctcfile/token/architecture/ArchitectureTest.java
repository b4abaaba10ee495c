package com.ctcfile.token.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Every rule of {@link ModuleRules} over the production classes of every module. */
@AnalyzeClasses(packages = "com.ctcfile.token", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule apiUsesTheJdkOnly = ModuleRules.API_USES_THE_JDK_ONLY;

  @ArchTest
  static final ArchRule coreSeesNoHttpStackOrSql = ModuleRules.CORE_SEES_NO_HTTP_STACK_OR_SQL;

  @ArchTest
  static final ArchRule coreDependsOnApiAndJdkOnly = ModuleRules.CORE_DEPENDS_ON_API_AND_JDK_ONLY;

  @ArchTest
  static final ArchRule micrometerModuleDependsOnCoreAndMicrometerOnly =
      ModuleRules.MICROMETER_MODULE_DEPENDS_ON_CORE_AND_MICROMETER_ONLY;

  @ArchTest
  static final ArchRule jdkTransportUsesCoreAndTheJdkOnly = ModuleRules.JDK_TRANSPORT_USES_CORE_AND_THE_JDK_ONLY;

  @ArchTest
  static final ArchRule springStarterUsesCoreTheJdkTransportAndSpringOnly =
      ModuleRules.SPRING_STARTER_USES_CORE_THE_JDK_TRANSPORT_AND_SPRING_ONLY;

  @ArchTest
  static final ArchRule testkitUsesNoAdapter = ModuleRules.TESTKIT_USES_NO_ADAPTER;

  @ArchTest
  static final ArchRule noAdapterUsesAnother = ModuleRules.NO_ADAPTER_USES_ANOTHER;

  @ArchTest
  static final ArchRule noLibraryModuleUsesACompositionRoot = ModuleRules.NO_LIBRARY_MODULE_USES_A_COMPOSITION_ROOT;

  @ArchTest
  static final ArchRule noInternalPackageUsedAcrossModules = ModuleRules.NO_INTERNAL_PACKAGE_USED_ACROSS_MODULES;

  @ArchTest
  static final ArchRule noPackageCycles = ModuleRules.NO_PACKAGE_CYCLES;

  @ArchTest
  static final ArchRule noImplNames = ModuleRules.NO_IMPL_NAMES;

  @ArchTest
  static final ArchRule noGrabBagPackages = ModuleRules.NO_GRAB_BAG_PACKAGES;

  @ArchTest
  static final ArchRule publicSignaturesShowOnlySupportedTypes = ModuleRules.PUBLIC_SIGNATURES_SHOW_ONLY_SUPPORTED_TYPES;
}
