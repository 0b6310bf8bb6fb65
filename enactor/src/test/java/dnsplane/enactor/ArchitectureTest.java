package dnsplane.enactor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The enactor's layering: the write and cleanup rules are pure, packages form no loops, and only
 * the API layer knows about HTTP.
 */
@AnalyzeClasses(
    packages = "dnsplane.enactor",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

  /** No network, database or framework: only what its arguments say. */
  @ArchTest
  static final ArchRule rulesArePure =
      noClasses()
          .that()
          .resideInAPackage("dnsplane.enactor.rules..")
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
      slices().matching("dnsplane.enactor.(*)..").should().beFreeOfCycles();

  /** Services answer in their own terms; turning that into HTTP is the api layer's job. */
  @ArchTest
  static final ArchRule onlyApiKnowsApi =
      noClasses()
          .that()
          .resideOutsideOfPackage("dnsplane.enactor.api..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dnsplane.enactor.api..");
}
