package dnsplane.authdns;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dnsplane.db.testing.Layering;

/**
 * authdns's layering: answers are a pure function, packages form no loops, and only the composition
 * root wires the HTTP layer in.
 */
@AnalyzeClasses(
    packages = "dnsplane.authdns",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

  @ArchTest static final ArchRule answerIsPure = Layering.pure("dnsplane.authdns.answer");

  @ArchTest static final ArchRule noPackageCycles = Layering.noCycles("dnsplane.authdns");

  /** The root package is the composition root, which starts the HTTP listener. */
  @ArchTest
  static final ArchRule onlyTheRootWiresHttp =
      Layering.onlyComposedBy("dnsplane.authdns.http", "dnsplane.authdns");
}
