package dnsplane.planner.web;

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

/** ErrorHandlers turns exceptions into {@code {"error": "..."}} responses. */
@Factory
final class ErrorHandlers {

  private static final Logger log = LoggerFactory.getLogger(ErrorHandlers.class);

  /** The body of every error response. */
  @Serdeable
  public record ErrorBody(String error) {}

  @Singleton
  @Produces
  ExceptionHandler<ApiException, HttpResponse<ErrorBody>> api() {
    return (HttpRequest request, ApiException e) ->
        HttpResponse.<ErrorBody>status(e.status()).body(new ErrorBody(e.getMessage()));
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
}
