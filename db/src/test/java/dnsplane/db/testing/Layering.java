package dnsplane.db.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;

/** Layering holds the ArchUnit rules every module's ArchitectureTest applies to its packages. */
public final class Layering {

  /** What a pure package must not touch: the network, the database, the framework. */
  private static final String[] IMPURE = {
    "io.netty..", "java.sql..", "javax.sql..", "org.postgresql..", "com.zaxxer..", "io.micronaut.."
  };

  private Layering() {}

  /** {@code pkg} (and below) is a function of its arguments: no Netty, JDBC or Micronaut. */
  public static ArchRule pure(String pkg) {
    return noClasses()
        .that()
        .resideInAPackage(pkg + "..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(IMPURE)
        .because("pure logic sits at the centre and I/O at the edge");
  }

  /** The packages directly below {@code root} import each other in no loop. */
  public static ArchRule noCycles(String root) {
    return slices().matching(root + ".(*)..").should().beFreeOfCycles();
  }

  /**
   * Nothing outside {@code layer} (and the packages in {@code composedBy}, which wire it in)
   * depends on {@code layer}: services answer in their own terms, and only that layer turns them
   * into HTTP.
   */
  public static ArchRule onlyComposedBy(String layer, String... composedBy) {
    String[] outside = new String[composedBy.length + 1];
    outside[0] = layer + "..";
    System.arraycopy(composedBy, 0, outside, 1, composedBy.length);
    return noClasses()
        .that()
        .resideOutsideOfPackages(outside)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(layer + "..");
  }
}
