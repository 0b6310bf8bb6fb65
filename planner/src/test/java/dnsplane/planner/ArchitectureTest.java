package dnsplane.planner;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dnsplane.db.testing.Layering;
import java.util.Timer;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;

/**
 * The planner's layering: the plan calculation is pure, packages form no loops, and only the web
 * layer knows about HTTP.
 */
@AnalyzeClasses(
    packages = "dnsplane.planner",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

  /** The plan calculation is a function of its arguments: no database, framework or network. */
  @ArchTest static final ArchRule planIsPure = Layering.pure("dnsplane.planner.plan");

  /** Nor does it schedule anything: timing belongs to the callers. */
  @ArchTest
  static final ArchRule planDoesNotSchedule =
      noClasses()
          .that()
          .resideInAPackage("dnsplane.planner.plan..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("dnsplane.planner.schedule..")
                  .or(assignableTo(Executor.class))
                  .or(assignableTo(Future.class))
                  .or(assignableTo(Timer.class)));

  @ArchTest static final ArchRule noPackageCycles = Layering.noCycles("dnsplane.planner");

  /** Services answer in their own terms; turning that into HTTP is the web layer's job. */
  @ArchTest static final ArchRule onlyWebKnowsWeb = Layering.onlyComposedBy("dnsplane.planner.web");

  /** The root package wires the planner together, so nothing below it may lean on it. */
  @ArchTest
  static final ArchRule rootIsOnTop =
      noClasses()
          .that()
          .resideOutsideOfPackage("dnsplane.planner")
          .and()
          .resideInAPackage("dnsplane.planner..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dnsplane.planner");
}
