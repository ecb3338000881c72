package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TemplateTest {
  @Test
  void aTextIsParsedOnceAndItsVariablesKeepTheirOrder() {
    String text = "order:#{tenant}:#{ id }:#{tenant}";
    Template first = Template.parse(text);
    assertSame(first, Template.parse(new String(text)), "parsed once, then found by its text");
    assertEquals(List.of("tenant", "id"), List.copyOf(first.variables()));
    assertEquals(Set.of("tenant", "id"), Template.variables(text));
    assertThrows(UnsupportedOperationException.class, () -> first.variables().add("x"), "shared, so not to be changed");
    assertEquals("order:t1:7:t1", first.render(Map.of("tenant", "t1", "id", 7), String::valueOf));
  }

  @Test
  void noTextHasNoParts() {
    assertEquals(List.of(), Template.parse(null).parts());
    assertEquals(Set.of(), Template.variables(null));
    assertEquals("", Template.parse(null).render(Map.of(), String::valueOf));
  }
}
