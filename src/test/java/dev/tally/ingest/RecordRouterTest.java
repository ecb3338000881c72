package dev.tally.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.Event;
import dev.tally.model.EventSource;
import dev.tally.model.EventSourceKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordRouterTest {
  static EventSource kafka(String id, String topic, boolean pattern, String db, String table, String format) {
    return new EventSource(id, id, EventSourceKind.BINLOG, db, table, topic, pattern, format, "KAFKA", null, null, 0, 0);
  }

  static RecordRouter.Message msg(String topic, long offset, String json) {
    return new RecordRouter.Message(topic, 0, offset, 1_000L, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
  }

  final RecordRouter router = new RecordRouter(List.of(
      kafka("orders", "shop", false, "shop", "orders", "NATIVE"),
      kafka("users", "shop", false, "shop", "users", "NATIVE"),
      kafka("any", "audit\\..*", true, "audit", "log", "NATIVE"),
      new EventSource("api", "api", EventSourceKind.API, null, null, null, null, null, null, null, null, 0, 0)));

  @Test
  void matchesByDatabaseAndTableAndDerivesStableIds() {
    RecordRouter.Routed routed = router.route(List.of(
        msg("shop", 7, "{\"op\":\"UPDATE\",\"database\":\"shop\",\"table\":\"orders\",\"data\":{\"id\":1}}"),
        msg("shop", 8, "{\"op\":\"INSERT\",\"database\":\"SHOP\",\"table\":\"Users\",\"data\":{\"id\":2}}")), 5L);
    assertEquals(0, routed.deadLetters().size(), routed.deadLetters().toString());
    Event order = routed.events().get("orders").get(0);
    assertEquals("shop-0-7", order.id());
    assertEquals("UPDATE", order.op());
    assertEquals(1_000L, order.occurredAt(), "the message timestamp when the event has none");
    assertEquals(5L, order.receivedAt());
    assertEquals("shop-0-8", routed.events().get("users").get(0).id());
  }

  @Test
  void severalChangesInOneMessageGetIndexedIds() {
    RecordRouter.Routed routed = router.route(List.of(msg("shop", 3,
        "[{\"op\":\"U\",\"database\":\"shop\",\"table\":\"orders\",\"data\":{\"id\":1}},"
            + "{\"op\":\"U\",\"database\":\"shop\",\"table\":\"orders\",\"data\":{\"id\":2}}]")), 0L);
    assertEquals(List.of("shop-0-3#0", "shop-0-3#1"), routed.events().get("orders").stream().map(Event::id).toList());
  }

  @Test
  void badAndUnmatchedMessagesBecomeDeadLettersAndTheRestGoesOn() {
    RecordRouter.Routed routed = router.route(List.of(
        msg("shop", 1, "not json at all"),
        msg("shop", 2, "{\"op\":\"U\",\"database\":\"shop\",\"table\":\"orders\",\"data\":{\"id\":"),
        msg("shop", 3, "{\"op\":\"U\",\"database\":\"shop\",\"table\":\"payments\",\"data\":{\"id\":1}}"),
        msg("shop", 4, "{\"op\":\"U\",\"database\":\"shop\",\"table\":\"orders\",\"data\":{\"id\":4}}"),
        msg("elsewhere", 5, "{}")), 0L);
    assertEquals(1, routed.eventCount());
    assertEquals(4, routed.deadLetters().size());
    assertTrue(routed.deadLetters().get(2).reason().contains("shop.payments"), routed.deadLetters().get(2).reason());
    assertEquals(3L, routed.deadLetters().get(2).offset());
    assertTrue(routed.deadLetters().get(3).reason().contains("no event source reads topic elsewhere"));
    assertEquals("not json at all", routed.deadLetters().get(0).payloadHead());
  }

  @Test
  void tombstonesAreSkippedAndPatternsMatchTopics() {
    RecordRouter.Routed routed = router.route(List.of(msg("shop", 1, null),
        msg("audit.eu", 2, "{\"op\":\"I\",\"database\":\"audit\",\"table\":\"log\",\"data\":{\"id\":9}}")), 0L);
    assertEquals(0, routed.deadLetters().size());
    assertEquals(1, routed.events().get("any").size());
    assertNull(routed.events().get("orders"));
  }

  @Test
  void theSubscriptionCoversEveryTopicAndPattern() {
    var subscription = router.subscription();
    assertTrue(subscription.matcher("shop").matches());
    assertTrue(subscription.matcher("audit.us").matches());
    assertTrue(!subscription.matcher("shopping").matches());
    assertNull(new RecordRouter(List.of()).subscription());
  }
}
