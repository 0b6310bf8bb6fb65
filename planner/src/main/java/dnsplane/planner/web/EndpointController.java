package dnsplane.planner.web;

import dnsplane.planner.endpoint.BulkRequest;
import dnsplane.planner.endpoint.EndpointRequest;
import dnsplane.planner.endpoint.EndpointView;
import dnsplane.planner.service.BulkEndpointService;
import dnsplane.planner.service.EndpointService;
import dnsplane.planner.service.ServiceException.Malformed;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.util.List;

/**
 * EndpointController is the endpoint half of the REST API under {@code /v1/endpoints}. Bodies are
 * taken as text and parsed here, so that every malformed body gets a {@code {"error": ...}} 400.
 */
@Controller("/v1/endpoints")
final class EndpointController {

  private final EndpointService service;
  private final BulkEndpointService bulk;
  private final JsonMapper json;

  EndpointController(EndpointService service, BulkEndpointService bulk, JsonMapper json) {
    this.service = service;
    this.bulk = bulk;
    this.json = json;
  }

  @Get
  List<EndpointView> list() {
    return service.list();
  }

  /** Creates or replaces every listed endpoint in one transaction that writes one plan. */
  @Put(
      consumes = {
        MediaType.APPLICATION_JSON,
        MediaType.TEXT_PLAIN,
        MediaType.APPLICATION_FORM_URLENCODED
      })
  BulkRequest.Result putAll(@Nullable @Body String body) {
    return bulk.put(parse(body, BulkRequest.class));
  }

  @Get("/{name}")
  EndpointView get(String name) {
    return service.get(name);
  }

  @Put(
      value = "/{name}",
      consumes = {
        MediaType.APPLICATION_JSON,
        MediaType.TEXT_PLAIN,
        MediaType.APPLICATION_FORM_URLENCODED
      })
  HttpResponse<EndpointView> put(String name, @Nullable @Body String body) {
    EndpointService.Put put = service.put(name, parse(body, EndpointRequest.class));
    return put.created() ? HttpResponse.created(put.endpoint()) : HttpResponse.ok(put.endpoint());
  }

  /** Deletes through a plan: {@code {"deleted": canonical name, "generation": N}}. */
  @Delete("/{name}")
  EndpointService.Deleted delete(String name) {
    return service.delete(name);
  }

  @Put(
      value = "/{name}/targets/{address}/health",
      consumes = {
        MediaType.APPLICATION_JSON,
        MediaType.TEXT_PLAIN,
        MediaType.APPLICATION_FORM_URLENCODED
      })
  EndpointView health(String name, String address, @Nullable @Body String body) {
    EndpointRequest.HealthReport report = parse(body, EndpointRequest.HealthReport.class);
    if (report.healthy() == null) {
      throw new Malformed("body must be {\"healthy\": true|false}");
    }
    return service.reportHealth(name, address, report.healthy());
  }

  private <T> T parse(String body, Class<T> type) {
    if (body == null || body.isBlank()) {
      throw new Malformed("request body is required (JSON)");
    }
    try {
      T value = json.readValue(body, type);
      if (value == null) {
        throw new Malformed("request body must be a JSON object");
      }
      return value;
    } catch (IOException e) {
      throw new Malformed("malformed JSON body: " + e.getMessage());
    }
  }
}
