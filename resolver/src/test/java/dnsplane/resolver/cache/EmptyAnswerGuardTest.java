package dnsplane.resolver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.resolver.cache.EmptyAnswerGuard.Confirmed;
import dnsplane.resolver.cache.EmptyAnswerGuard.Decision;
import dnsplane.resolver.cache.EmptyAnswerGuard.Input;
import dnsplane.resolver.cache.EmptyAnswerGuard.PassThrough;
import dnsplane.resolver.cache.EmptyAnswerGuard.Suspect;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

class EmptyAnswerGuardTest {
  static final long NOW = 10_000_000L;
  static final long CONFIRM = 300_000L;

  record Case(
      String what,
      boolean on,
      boolean guarded,
      boolean recentPositive,
      Long since,
      Class<?> expected) {}

  @Test
  void decisionTable() {
    List<Case> cases =
        List.of(
            new Case(
                "recent positive + authoritative empty -> suspect",
                true,
                true,
                true,
                null,
                Suspect.class),
            new Case(
                "still inside guard-confirm -> suspect",
                true,
                true,
                true,
                NOW - CONFIRM + 1,
                Suspect.class),
            new Case(
                "seen consistently for guard-confirm -> let through",
                true,
                true,
                true,
                NOW - CONFIRM,
                Confirmed.class),
            new Case("non-guarded suffix -> through", true, false, true, null, PassThrough.class),
            new Case("guard off -> through", false, true, true, null, PassThrough.class),
            new Case(
                "no positive within stale-max -> through",
                true,
                true,
                false,
                null,
                PassThrough.class));
    for (Case c : cases) {
      Decision d =
          EmptyAnswerGuard.decide(
              new Input(c.on(), c.guarded(), c.recentPositive(), c.since(), NOW, CONFIRM));
      assertInstanceOf(c.expected(), d, c.what());
    }
  }

  @Test
  void firstSuspicionIsMarkedSoItIsLoggedOnce() {
    Suspect first =
        (Suspect) EmptyAnswerGuard.decide(new Input(true, true, true, null, NOW, CONFIRM));
    assertTrue(first.first());
    assertEquals(NOW, first.sinceMillis());
    Suspect again =
        (Suspect) EmptyAnswerGuard.decide(new Input(true, true, true, NOW, NOW + 1000, CONFIRM));
    assertFalse(again.first());
    assertEquals(NOW, again.sinceMillis());
  }

  @Test
  void guardedMeansAtOrBelowASuffix() {
    List<Name> s = List.of(Name.fromConstantString("aws.test."));
    assertTrue(EmptyAnswerGuard.guarded(Name.fromConstantString("aws.test."), s));
    assertTrue(
        EmptyAnswerGuard.guarded(Name.fromConstantString("DynamoDB.us-east-1.AWS.test."), s));
    assertFalse(EmptyAnswerGuard.guarded(Name.fromConstantString("notaws.test."), s));
    assertFalse(EmptyAnswerGuard.guarded(Name.fromConstantString("example.org."), s));
  }
}
