package dnsplane.planner.web;

import dnsplane.planner.plan.Plan;
import dnsplane.planner.plan.PlanDiff;
import dnsplane.planner.plan.PlanView;
import dnsplane.planner.service.PlanService;
import dnsplane.planner.service.ServiceException.Malformed;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import java.util.List;

/** PlanController is the plan half of the REST API under {@code /v1/plans}. */
@Controller("/v1/plans")
final class PlanController {

  static final int MAX_LIMIT = 1000;

  private final PlanService plans;

  PlanController(PlanService plans) {
    this.plans = plans;
  }

  /** The newest plans first, at most {@code limit} (default 20). */
  @Get
  List<PlanView> list(@QueryValue(defaultValue = "20") int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new Malformed("limit must be in 1-" + MAX_LIMIT + ", got " + limit);
    }
    return plans.newest(limit).stream().map(PlanView::of).toList();
  }

  @Get("/latest")
  PlanView latest() {
    return PlanView.of(plans.latest());
  }

  @Get("/{generation}")
  PlanView get(String generation) {
    return PlanView.of(load(generation));
  }

  @Get("/{from}/diff/{to}")
  PlanDiff diff(String from, String to) {
    return PlanDiff.between(load(from), load(to));
  }

  /** Forces a new plan now, even if nothing changed. */
  @Post
  HttpResponse<PlanView> force() {
    return HttpResponse.created(PlanView.of(plans.force("forced via API")));
  }

  private Plan load(String generation) {
    long g;
    try {
      g = Long.parseLong(generation);
    } catch (NumberFormatException e) {
      throw new Malformed("plan generation must be a number, got " + generation);
    }
    return plans.get(g);
  }
}
