package dev.tally.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.model.Event;
import dev.tally.model.Json;
import dev.tally.model.ValidationException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** An event's row is a row: at most {@link EventInput#MAX_FIELDS} fields, and the refusal names which event's. */
class EventInputTest {
  private static String row(int fields) {
    return IntStream.range(0, fields).mapToObj(i -> "\"c" + i + "\":" + i).collect(Collectors.joining(",", "{", "}"));
  }

  private static List<Event> parse(String json) {
    return EventInput.parseBatch(json.getBytes(StandardCharsets.UTF_8), "source", 1000);
  }

  @Test
  void takesARowOfAsManyFieldsAsATableMayHave() {
    Event event = parse("{\"op\":\"UPDATE\",\"data\":" + row(EventInput.MAX_FIELDS) + "}").get(0);
    assertEquals(EventInput.MAX_FIELDS, event.data().size());
  }

  @Test
  void refusesARowOfMoreFieldsNamingTheEventAndTheField() {
    String small = "{\"op\":\"UPDATE\",\"data\":{\"id\":1}}";
    ValidationException data = assertThrows(ValidationException.class,
        () -> parse("[" + small + ",{\"op\":\"UPDATE\",\"data\":" + row(EventInput.MAX_FIELDS + 1) + "}]"));
    assertEquals("events[1].data", data.field());
    assertEquals("too many fields", data.getMessage());
    assertEquals("at most 4096 fields in a row, got 4097", data.detail());
    ValidationException before = assertThrows(ValidationException.class,
        () -> parse("{\"op\":\"UPDATE\",\"data\":{\"id\":1},\"before\":" + row(EventInput.MAX_FIELDS + 1) + "}"));
    assertEquals("before", before.field());
  }

  @Test
  void keepsARowsFieldsInTheirOrderAsJacksonReadsThem() throws Exception {
    String row = "{\"b\":1,\"a\":\"x\",\"c\":{\"d\":[1,2.5]},\"e\":1.5,\"f\":null,\"g\":true,\"h\":12345678901}";
    Event event = parse("{\"op\":\"UPDATE\",\"data\":" + row + ",\"before\":" + row + "}").get(0);

    Map<?, ?> jackson = Json.MAPPER.readValue(row, Map.class);
    assertEquals(jackson, event.data());
    assertEquals(List.copyOf(jackson.keySet()), List.copyOf(event.data().keySet()));
    assertEquals(jackson, event.before());
    event.data().put("added", 1);
    assertEquals(1, event.data().get("added"));
  }

  @Test
  void eventsShareOneStringPerUsualOpAndKeepAnyOther() {
    List<Event> events = parse("[{\"op\":\"UPDATE\",\"data\":{\"id\":1}},{\"op\":\"UPDATE\",\"data\":{\"id\":2}},"
        + "{\"op\":\"upsert\",\"data\":{\"id\":3}}]");
    assertSame(events.get(0).op(), events.get(1).op());
    assertEquals("UPDATE", events.get(0).op());
    assertEquals("upsert", events.get(2).op());
  }
}
