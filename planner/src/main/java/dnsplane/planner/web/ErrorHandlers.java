package dnsplane.planner.web;

import dnsplane.planner.service.ServiceException;
import dnsplane.planner.store.Database;
import io.micronaut.context.annotation.Factory;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ErrorHandlers turns exceptions into {@code {"error": "..."}} responses. The only place that knows
 * which status each kind of refusal gets.
 */
@Factory
final class ErrorHandlers {

  private static final Logger log = LoggerFactory.getLogger(ErrorHandlers.class);

  /** The body of every error response. */
  @Serdeable
  public record ErrorBody(String error) {}

  @Singleton
  @Produces
  ExceptionHandler<ServiceException, HttpResponse<ErrorBody>> refused() {
    return (HttpRequest request, ServiceException e) ->
        HttpResponse.<ErrorBody>status(status(e)).body(new ErrorBody(e.getMessage()));
  }

  @Singleton
  @Produces
  ExceptionHandler<Database.DataAccessException, HttpResponse<ErrorBody>> database() {
    return (HttpRequest request, Database.DataAccessException e) -> {
      log.warn("{} {}: database error: {}", request.getMethod(), request.getPath(), e.getMessage());
      return HttpResponse.<ErrorBody>status(HttpStatus.SERVICE_UNAVAILABLE)
          .body(new ErrorBody("database error: " + e.getMessage()));
    };
  }

  static HttpStatus status(ServiceException e) {
    if (e instanceof ServiceException.Malformed) {
      return HttpStatus.BAD_REQUEST;
    }
    if (e instanceof ServiceException.NotFound) {
      return HttpStatus.NOT_FOUND;
    }
    if (e instanceof ServiceException.Conflict) {
      return HttpStatus.CONFLICT;
    }
    if (e instanceof ServiceException.TooLarge) {
      return HttpStatus.REQUEST_ENTITY_TOO_LARGE;
    }
    // Invalid, and any kind added later without a status of its own: the value was refused.
    return HttpStatus.UNPROCESSABLE_ENTITY;
  }
}
