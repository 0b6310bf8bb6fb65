package dnsplane.db.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * RequiresPostgres marks a test class that needs {@link TestPostgres}. When no server can be had
 * the class fails, naming what was tried, unless {@code DNSPLANE_TEST_DB_MISSING=skip}. Without
 * this, a failure inside a Micronaut TestPropertyProvider reports "Tests run: 0" and hides itself.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(RequiresPostgres.Condition.class)
public @interface RequiresPostgres {

  /** The JUnit condition behind the annotation. */
  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      String reason = TestPostgres.unavailableReason();
      if (reason == null) {
        return ConditionEvaluationResult.enabled("PostgreSQL available");
      }
      if ("skip".equals(System.getenv("DNSPLANE_TEST_DB_MISSING"))) {
        return ConditionEvaluationResult.disabled(reason);
      }
      throw new IllegalStateException(reason);
    }
  }
}
