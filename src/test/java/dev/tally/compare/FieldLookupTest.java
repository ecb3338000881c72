package dev.tally.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldLookupTest {

  @Test
  void exactKey() {
    assertEquals(new FieldLookup.Found(true, 5), FieldLookup.find(Map.of("amount", 5), "amount"));
    assertEquals(new FieldLookup.Found(true, "v"), FieldLookup.find(Map.of("$", "v"), "$"));
  }

  @Test
  void presentNullIsNotAbsent() {
    Map<String, Object> values = new HashMap<>();
    values.put("note", null);
    FieldLookup.Found found = FieldLookup.find(values, "note");
    assertTrue(found.present());
    assertNull(found.value());
    assertFalse(FieldLookup.find(values, "other").present());
  }

  @Test
  void dottedPathIntoNestedMapsAndLists() {
    Map<String, Object> values = Map.of("address", Map.of("city", "Paris"),
        "items", List.of(Map.of("sku", "a"), Map.of("sku", "b")));
    assertEquals("Paris", FieldLookup.find(values, "address.city").value());
    assertEquals("b", FieldLookup.find(values, "items.1.sku").value());
    assertEquals(Map.of("sku", "a"), FieldLookup.find(values, "items.0").value());
    assertFalse(FieldLookup.find(values, "items.2.sku").present());
    assertFalse(FieldLookup.find(values, "items.x").present());
    assertFalse(FieldLookup.find(values, "address.zip").present());
    assertFalse(FieldLookup.find(values, "address.city.name").present());
  }

  @Test
  void exactKeyWithDotsWinsAndDottedKeysCanBeNested() {
    Map<String, Object> values = Map.of("a.b", 1, "a", Map.of("b", 2), "x.y", Map.of("z", 3));
    assertEquals(1, FieldLookup.find(values, "a.b").value());
    assertEquals(3, FieldLookup.find(values, "x.y.z").value());
  }
}
