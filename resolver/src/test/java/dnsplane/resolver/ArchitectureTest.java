package dnsplane.resolver;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dnsplane.db.testing.Layering;

/**
 * The resolver's layering: the caching rules are pure, packages form no loops, and only the
 * composition root wires the HTTP layer in.
 */
@AnalyzeClasses(
    packages = "dnsplane.resolver",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

  @ArchTest static final ArchRule cacheIsPure = Layering.pure("dnsplane.resolver.cache");

  @ArchTest static final ArchRule noPackageCycles = Layering.noCycles("dnsplane.resolver");

  /** The root package is the composition root, which starts the HTTP listener. */
  @ArchTest
  static final ArchRule onlyTheRootWiresHttp =
      Layering.onlyComposedBy("dnsplane.resolver.http", "dnsplane.resolver");
}
