package dnsplane.planner.web;

import dnsplane.planner.plan.PlanDiff;
import dnsplane.planner.plan.PlanView;
import dnsplane.planner.plan.PlannedAddress;
import io.micronaut.serde.annotation.SerdeImport;

/**
 * PlanSerdeImports makes the plan records JSON-serializable from here, so that the plan package
 * stays free of Micronaut. Their JSON is exactly what {@code @Serdeable} on them would give.
 */
@SerdeImport(PlanView.class)
@SerdeImport(PlanView.EntryView.class)
@SerdeImport(PlannedAddress.class)
@SerdeImport(PlanDiff.class)
@SerdeImport(PlanDiff.EndpointDiff.class)
final class PlanSerdeImports {

  private PlanSerdeImports() {}
}
