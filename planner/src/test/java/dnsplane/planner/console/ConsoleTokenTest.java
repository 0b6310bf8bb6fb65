package dnsplane.planner.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.planner.web.Api;
import dnsplane.planner.web.TestSupport;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * With a token configured, a console action without it is refused before it reaches the enactor;
 * with it, the action is forwarded carrying the planner's token. With authdns off the console sends
 * no DNS query at all.
 */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleTokenTest implements TestPropertyProvider {

  private static final String TOKEN = "console-s3cret";

  private final TestDb[] db = new TestDb[1];
  private FakeEnactor enactor;

  @Inject EmbeddedServer server;
  @Inject JsonMapper json;

  @Override
  public Map<String, String> getProperties() {
    try {
      enactor = new FakeEnactor("az-a");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return TestSupport.freshPlanner(
        db,
        Map.of(
            "dnsplane.planner.check.interval",
            "1h",
            "dnsplane.api.token",
            TOKEN,
            "dnsplane.console.authdns",
            "off",
            "dnsplane.console.enactors",
            "az-a=" + enactor.url()));
  }

  @AfterAll
  void stop() {
    enactor.close();
  }

  @Test
  void anActionWithoutTheTokenIsRefusedAndOneWithItCarriesItOn() {
    Api anonymous = new Api(server.getURI(), json, null);
    Api.Response refused = anonymous.send("POST", "/ui/api/enactors/az-a/pause", "{}");
    assertEquals(401, refused.status(), refused.body());
    assertTrue(enactor.calls.isEmpty(), "nothing forwarded: " + enactor.calls);

    Api.Response wrong =
        anonymous.withToken("guess").send("POST", "/ui/api/enactors/az-a/pause", "{}");
    assertEquals(401, wrong.status(), wrong.body());
    assertTrue(enactor.calls.isEmpty(), "nothing forwarded: " + enactor.calls);

    Api.Response ok = anonymous.withToken(TOKEN).send("POST", "/ui/api/enactors/az-a/pause", "{}");
    assertEquals(200, ok.status(), ok.body());
    assertEquals(1, enactor.calls.size());
    assertEquals(
        "POST /v1/pause", enactor.calls.get(0).method() + " " + enactor.calls.get(0).path());
    assertEquals("Bearer " + TOKEN, enactor.calls.get(0).authorization());
  }

  @Test
  void readsNeedNoTokenAndAuthdnsOffListsNoServer() {
    Api anonymous = new Api(server.getURI(), json, null);
    Api.Response state = anonymous.get("/ui/api/state");
    assertEquals(200, state.status(), state.body());
    assertTrue(state.body().contains("\"servers\":[]"), state.body());
    assertEquals(200, anonymous.get("/ui").status());
  }
}
