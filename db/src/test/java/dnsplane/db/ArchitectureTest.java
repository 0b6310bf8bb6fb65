package dnsplane.db;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** db's layering: its packages form no loops. */
@AnalyzeClasses(
    packages = "dnsplane.db",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("dnsplane.db.(*)..").should().beFreeOfCycles();
}
