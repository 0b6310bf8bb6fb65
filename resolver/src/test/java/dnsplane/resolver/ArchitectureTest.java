package dnsplane.resolver;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The resolver's layering: the cache is pure, packages form no loops, and only the composition root
 * wires the HTTP layer in.
 */
@AnalyzeClasses(
    packages = "dnsplane.resolver",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

  /** No network, database or framework: only what its arguments say. */
  @ArchTest
  static final ArchRule cacheIsPure =
      noClasses()
          .that()
          .resideInAPackage("dnsplane.resolver.cache..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.netty..",
              "java.sql..",
              "javax.sql..",
              "org.postgresql..",
              "com.zaxxer..",
              "io.micronaut..");

  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("dnsplane.resolver.(*)..").should().beFreeOfCycles();

  /**
   * Services answer in their own terms; turning that into HTTP is the http layer's job. The root
   * package is the composition root, which starts that layer.
   */
  @ArchTest
  static final ArchRule servicesDoNotKnowHttp =
      noClasses()
          .that()
          .resideOutsideOfPackages("dnsplane.resolver.http..", "dnsplane.resolver")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dnsplane.resolver.http..");
}
