package dnsplane.db;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dnsplane.db.testing.Layering;

/** db's layering: its packages form no loops, and its shared rules are pure. */
@AnalyzeClasses(
    packages = "dnsplane.db",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

  @ArchTest static final ArchRule noPackageCycles = Layering.noCycles("dnsplane.db");

  /** Names, JSON and the network rules are shared by every service's pure code. */
  @ArchTest static final ArchRule sharedRulesArePure = Layering.pure("dnsplane.db.net");
}
