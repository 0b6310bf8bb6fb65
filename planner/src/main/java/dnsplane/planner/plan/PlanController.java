package dnsplane.planner.plan;

import dnsplane.planner.store.Database;
import dnsplane.planner.store.PlanStore;
import dnsplane.planner.web.ApiException;
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

  private final Database db;
  private final PlanStore plans;
  private final PlanWriter writer;

  PlanController(Database db, PlanStore plans, PlanWriter writer) {
    this.db = db;
    this.plans = plans;
    this.writer = writer;
  }

  /** The newest plans first, at most {@code limit} (default 20). */
  @Get
  List<PlanView> list(@QueryValue(defaultValue = "20") int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ApiException.badRequest("limit must be in 1-" + MAX_LIMIT + ", got " + limit);
    }
    return db.read(c -> plans.newest(c, limit)).stream().map(PlanView::of).toList();
  }

  @Get("/latest")
  PlanView latest() {
    return PlanView.of(db.read(plans::latest).orElseThrow(() -> ApiException.notFound("no plan yet")));
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
    long generation = writer.force("forced via API").generation();
    return HttpResponse.created(PlanView.of(load(Long.toString(generation))));
  }

  private Plan load(String generation) {
    long g;
    try {
      g = Long.parseLong(generation);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("plan generation must be a number, got " + generation);
    }
    return db.read(c -> plans.get(c, g)).orElseThrow(() -> ApiException.notFound("no plan " + g));
  }
}
