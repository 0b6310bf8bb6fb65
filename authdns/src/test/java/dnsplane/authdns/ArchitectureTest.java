package dnsplane.authdns;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * authdns's layering: answers are a pure function, packages form no loops, and only the composition
 * root wires the HTTP layer in.
 */
@AnalyzeClasses(
    packages = "dnsplane.authdns",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

  /** No network, database or framework: only what its arguments say. */
  @ArchTest
  static final ArchRule answerIsPure =
      noClasses()
          .that()
          .resideInAPackage("dnsplane.authdns.answer..")
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
      slices().matching("dnsplane.authdns.(*)..").should().beFreeOfCycles();

  /**
   * Services answer in their own terms; turning that into HTTP is the http layer's job. The root
   * package is the composition root, which starts that layer.
   */
  @ArchTest
  static final ArchRule servicesDoNotKnowHttp =
      noClasses()
          .that()
          .resideOutsideOfPackages("dnsplane.authdns.http..", "dnsplane.authdns")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dnsplane.authdns.http..");
}
