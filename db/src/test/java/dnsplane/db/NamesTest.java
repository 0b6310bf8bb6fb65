package dnsplane.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NamesTest {

  @Test
  void spellingsAreCanonicalised() {
    assertEquals("dynamodb.us-east-1.aws.test.", Names.canonical(" DynamoDB.us-east-1.AWS.test "));
    assertEquals("_plan.web.aws.test.", Names.canonical("_plan.web.aws.test."));
  }

  @Test
  void malformedNamesAreRefusedSayingWhy() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Names.canonical(" "))
            .getMessage()
            .contains("empty"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Names.canonical("."))
            .getMessage()
            .contains("root"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Names.canonical("a..b"))
            .getMessage()
            .contains("invalid label ''"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Names.canonical("-a.b"))
            .getMessage()
            .contains("invalid label '-a'"));
    assertThrows(IllegalArgumentException.class, () -> Names.canonical("a".repeat(64) + ".b"));
    assertThrows(
        IllegalArgumentException.class, () -> Names.canonical(("a".repeat(60) + ".").repeat(5)));
  }

  @Test
  void theLongestContainingZoneWinsAndTheRootContainsEverything() {
    List<String> zones = List.of("aws.test.", "us-east-1.aws.test.", ".");
    assertEquals(Optional.of("us-east-1.aws.test."), Names.zoneOf("db.us-east-1.aws.test.", zones));
    assertEquals(Optional.of("aws.test."), Names.zoneOf("aws.test.", zones));
    assertEquals(Optional.of("."), Names.zoneOf("example.org.", zones));
    assertEquals(Optional.empty(), Names.zoneOf("notaws.test.", List.of("aws.test.")));
  }
}
