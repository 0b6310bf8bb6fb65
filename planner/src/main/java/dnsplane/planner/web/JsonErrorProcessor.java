package dnsplane.planner.web;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.util.stream.Collectors;

/**
 * JsonErrorProcessor gives the errors Micronaut produces itself (no such path, method not allowed,
 * unsupported media type) the same {@code {"error": "..."}} shape as the planner's own.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
final class JsonErrorProcessor implements ErrorResponseProcessor<ErrorHandlers.ErrorBody> {

  @Override
  @SuppressWarnings("unchecked")
  public MutableHttpResponse<ErrorHandlers.ErrorBody> processResponse(
      ErrorContext context, MutableHttpResponse<?> response) {
    if (context.getRequest().getMethod() == HttpMethod.HEAD) {
      return (MutableHttpResponse<ErrorHandlers.ErrorBody>) response;
    }
    String message;
    if (response.getStatus() == HttpStatus.NOT_FOUND) {
      message =
          "no such path: "
              + context.getRequest().getMethod()
              + " "
              + context.getRequest().getPath();
    } else if (context.hasErrors()) {
      message =
          context.getErrors().stream().map(Error::getMessage).collect(Collectors.joining("; "));
    } else {
      message = response.getStatus().getReason();
    }
    return response
        .contentType(MediaType.APPLICATION_JSON_TYPE)
        .body(new ErrorHandlers.ErrorBody(message));
  }
}
