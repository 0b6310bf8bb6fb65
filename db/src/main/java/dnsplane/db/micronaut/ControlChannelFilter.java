package dnsplane.db.micronaut;

import dnsplane.db.net.ControlChannelGuard;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * ControlChannelFilter applies {@link ControlChannelGuard} to every request of a dnsplane HTTP
 * service (the planner's, the enactors'), before any other filter (Micronaut's CORS filter
 * included), so a refusal always names its reason. The token is {@code dnsplane.api.token}
 * (DNSPLANE_API_TOKEN), the same for every service.
 */
@ServerFilter("/**")
final class ControlChannelFilter implements Ordered {

  private final ControlChannelGuard guard;

  ControlChannelFilter(@Nullable @Value("${dnsplane.api.token:}") String token) {
    this.guard = new ControlChannelGuard(token);
  }

  @Override
  public int getOrder() {
    return ServerFilterPhase.FIRST.before();
  }

  @RequestFilter
  @Nullable
  HttpResponse<?> check(HttpRequest<?> request) {
    InetSocketAddress client = request.getRemoteAddress();
    ControlChannelGuard.Refusal refusal =
        guard.check(
            new ControlChannelGuard.Call(
                request.getMethodName(),
                request.getHeaders().get("Host"),
                request.getHeaders().get("Origin"),
                request.getHeaders().get("Content-Type"),
                request.getHeaders().get("Authorization"),
                client == null ? null : client.getAddress()));
    if (refusal == null) {
      return null;
    }
    var response =
        HttpResponse.status(HttpStatus.valueOf(refusal.status()))
            .body(Map.of("error", refusal.error()));
    return refusal.status() == 401 ? response.header("WWW-Authenticate", "Bearer") : response;
  }
}
