package dnsplane.enactor;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dnsplane.db.testing.Layering;

/**
 * The enactor's layering: the write and cleanup rules are pure, packages form no loops, and only
 * the api layer knows HTTP.
 */
@AnalyzeClasses(
    packages = "dnsplane.enactor",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

  @ArchTest static final ArchRule rulesArePure = Layering.pure("dnsplane.enactor.rules");

  @ArchTest static final ArchRule noPackageCycles = Layering.noCycles("dnsplane.enactor");

  @ArchTest static final ArchRule onlyApiKnowsApi = Layering.onlyComposedBy("dnsplane.enactor.api");
}
