package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateValuesTest {
  @Test
  void urlValuesAreEncodedAsOneComponent() {
    Template t = Template.parse("/orders/#{id}?q=#{q}");
    String url = t.render(Map.of("id", "a b/c", "q", "x&y=1+2"), TemplateValues::url);
    assertEquals("/orders/a%20b%2Fc?q=x%26y%3D1%2B2", url);
  }

  @Test
  void plainValuesKeepDecimalsWithoutExponent() {
    assertEquals("1E+3", new BigDecimal("1E+3").toString());
    assertEquals("1000", TemplateValues.plain(new BigDecimal("1E+3")));
    assertEquals("42", TemplateValues.plain(42L));
  }

  @Test
  void nullOrMissingValuesAreRefused() {
    Map<String, Object> data = new HashMap<>();
    data.put("id", null);
    Template t = Template.parse("order:#{id}");
    assertThrows(IllegalArgumentException.class, () -> TemplateValues.requirePresent(t, data));
    assertThrows(Template.MissingVariableException.class, () -> TemplateValues.requirePresent(t, Map.of()));
  }

  @Test
  void jsonBodyValueInsideAStringCannotBreakOut() throws JsonProcessingException {
    Template t = Template.parse("{\"id\": \"#{id}\", \"note\": \"a \\\"#{id}\\\" b\"}");
    String body = TemplateValues.json(t, Map.of("id", "x\", \"evil\": 1, \"y\": \"\\"));
    Object parsed = JsonValues.parse(body);
    assertEquals("x\", \"evil\": 1, \"y\": \"\\", ((Map<?, ?>) parsed).get("id"));
    assertFalse(((Map<?, ?>) parsed).containsKey("evil"));
    assertEquals(2, ((Map<?, ?>) parsed).size());
  }

  @Test
  void jsonBodyValueOutsideAStringIsAWholeJsonValue() throws JsonProcessingException {
    Template t = Template.parse("{\"ids\": [#{id}], \"n\": #{n}, \"o\": #{o}, \"z\": #{z}}");
    Map<String, Object> data = new HashMap<>(Map.of("id", "1, 2", "n", 5, "o", Map.of("k", "v")));
    data.put("z", null);
    Map<?, ?> parsed = (Map<?, ?>) JsonValues.parse(TemplateValues.json(t, data));
    assertEquals(List.of("1, 2"), parsed.get("ids"));
    assertEquals(5, parsed.get("n"));
    assertEquals(Map.of("k", "v"), parsed.get("o"));
    assertEquals(null, parsed.get("z"));
  }
}
