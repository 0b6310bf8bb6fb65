package dnsplane.planner.web;

import dnsplane.planner.PlannerConfig;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * AuthFilter requires {@code Authorization: Bearer <token>} on every mutating {@code /v1} call when
 * a token is configured; reads stay open. Compared in constant time.
 */
@ServerFilter("/v1/**")
final class AuthFilter {

  private final byte[] expected;

  AuthFilter(PlannerConfig config) {
    this.expected =
        config.apiToken().isEmpty() ? null : ("Bearer " + config.apiToken()).getBytes(StandardCharsets.UTF_8);
  }

  @RequestFilter
  @Nullable
  HttpResponse<?> check(HttpRequest<?> request) {
    if (expected == null || request.getMethod() == HttpMethod.GET || request.getMethod() == HttpMethod.HEAD) {
      return null;
    }
    String given = request.getHeaders().get("Authorization");
    if (given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
      return null;
    }
    return HttpResponse.status(HttpStatus.UNAUTHORIZED)
        .header("WWW-Authenticate", "Bearer")
        .body(Map.of("error", given == null ? "missing bearer token" : "wrong bearer token"));
  }
}
