package dev.tally.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.compare.CompareVerticle.Checked;
import dev.tally.model.ApiCheck;
import dev.tally.model.Diff;
import dev.tally.model.Event;
import dev.tally.model.Json;
import dev.tally.model.Status;
import dev.tally.model.Task;
import dev.tally.model.TaskType;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ApiVerdictsTest {
  private static final String QUERY = ApiVerdicts.query("http://127.0.0.1:9/check");

  private static Checked answer(int httpStatus, String body) {
    return ApiVerdicts.answer(QUERY, httpStatus, body, 7);
  }

  private static String errorOf(int httpStatus, String body) {
    Checked checked = answer(httpStatus, body);
    assertEquals(Status.ERROR, checked.verdict().status(), "answer " + httpStatus + " " + body);
    assertTrue(checked.verdict().diffs().isEmpty());
    assertEquals(checked.verdict().error(), checked.left().error(), "the sides show why too");
    assertEquals(QUERY, checked.left().query());
    assertEquals(QUERY, checked.right().query());
    return checked.verdict().error();
  }

  @Test
  void passKeepsTheSidesTheEndpointRead() {
    Checked checked = answer(200, "{\"status\":\"PASS\",\"left\":{\"id\":7,\"amount\":12.50},\"right\":{\"id\":7,\"amount\":\"12.5\"}}");
    assertEquals(Status.PASS, checked.verdict().status());
    assertNull(checked.verdict().error());
    assertTrue(checked.left().found());
    assertEquals(Map.of("id", 7, "amount", new BigDecimal("12.50")), checked.left().values());
    assertEquals(Map.of("id", 7, "amount", "12.5"), checked.right().values());
    assertEquals("POST http://127.0.0.1:9/check", checked.left().query());
    assertEquals(7, checked.right().tookMs());
    assertNull(checked.right().error());
  }

  @Test
  void failMapsEachDiffToAMismatchOfComparatorApi() {
    Checked checked = answer(200, """
        {"status": "FAIL", "diffs": [
           {"field": "status", "left": "PAID", "right": "NEW", "detail": "cache is stale"},
           {"field": "amount", "left": 10.00, "right": null},
           {"field": "tags", "left": ["a"], "right": ["b"], "detail": {"why": "order"}}],
         "left": {"status": "PAID"}, "right": {"status": "NEW"}}
        """);
    assertEquals(Status.FAIL, checked.verdict().status());
    assertEquals(List.of(
        new Diff(Diff.MISMATCH, "status", null, null, "PAID", "NEW", "API", "cache is stale"),
        new Diff(Diff.MISMATCH, "amount", null, null, new BigDecimal("10.00"), null, "API", null),
        new Diff(Diff.MISMATCH, "tags", null, null, List.of("a"), List.of("b"), "API", "{\"why\":\"order\"}")),
        checked.verdict().diffs());
  }

  @Test
  void aFailWithoutDiffsOrSidesIsStillAFail() {
    Checked checked = answer(200, "{\"status\":\"FAIL\"}");
    assertEquals(Status.FAIL, checked.verdict().status());
    assertTrue(checked.verdict().diffs().isEmpty());
    assertFalse(checked.left().found(), "a side the endpoint did not send is not found");
    assertFalse(checked.right().failed());
    assertEquals(QUERY, checked.right().query());
  }

  @Test
  void aSideThatIsNoObjectIsTheSingleFieldDollar() {
    Checked checked = answer(201, "{\"status\":\"PASS\",\"left\":42,\"right\":null,\"extra\":{\"ignored\":true}}");
    assertEquals(Status.PASS, checked.verdict().status());
    assertEquals(Map.of("$", 42), checked.left().values());
    assertFalse(checked.right().found());
  }

  @Test
  void aNon2xxAnswerIsAnErrorQuotingStatusAndBody() {
    assertEquals("endpoint answered HTTP 500: boom: database down", errorOf(500, "boom: database down\n"));
    assertEquals("endpoint answered HTTP 404", errorOf(404, ""));
    assertEquals("endpoint answered HTTP 302", errorOf(302, null));
  }

  @Test
  void anEmptyBodyIsAnError() {
    assertTrue(errorOf(200, "").startsWith("endpoint answered HTTP 200 with an empty body"));
    assertTrue(errorOf(204, null).startsWith("endpoint answered HTTP 204 with an empty body"));
  }

  @Test
  void aBodyThatIsNotJsonIsAnErrorWithASnippet() {
    String error = errorOf(200, "<html>\n  <body>oops</body>\n</html>");
    assertTrue(error.startsWith("answer is not JSON ("), error);
    assertTrue(error.endsWith("): <html> <body>oops</body> </html>"), error);
    assertTrue(errorOf(200, "{\"status\":\"PASS\"} and more").startsWith("answer is not JSON"), "trailing text is no JSON document");
  }

  @Test
  void aLongBodyIsQuotedShort() {
    String error = errorOf(502, "x".repeat(5000));
    assertEquals("endpoint answered HTTP 502: " + "x".repeat(ApiVerdicts.SNIPPET_CHARS) + "…", error);
  }

  /** A 200 answer whose JSON is wrong, and the error it becomes. */
  static Stream<Arguments> malformedAnswers() {
    String noStatus = "answer has no status; expected \"PASS\" or \"FAIL\"";
    String noField = "answer diffs[0] has no field (a non-empty string)";
    return Stream.of(
        Arguments.of("[\"PASS\"]", "answer is not a JSON object: [\"PASS\"]"),
        Arguments.of("\"PASS\"", "answer is not a JSON object: \"PASS\""),
        Arguments.of("{\"diffs\":[]}", noStatus),
        Arguments.of("{\"status\":null}", noStatus),
        Arguments.of("{\"status\":\"pass\"}", "answer status \"pass\" is not \"PASS\" or \"FAIL\""),
        Arguments.of("{\"status\":\"MAYBE\"}", "answer status \"MAYBE\" is not \"PASS\" or \"FAIL\""),
        Arguments.of("{\"status\":true}", "answer status true is not \"PASS\" or \"FAIL\""),
        Arguments.of("{\"status\":\"ERROR\",\"error\":\"partner API down\"}", "endpoint reported an error: partner API down"),
        Arguments.of("{\"status\":\"ERROR\"}", "endpoint reported an error"),
        Arguments.of("{\"status\":\"FAIL\",\"diffs\":{\"field\":\"a\"}}", "answer diffs is not an array"),
        Arguments.of("{\"status\":\"FAIL\",\"diffs\":[{\"field\":\"a\"},\"b\"]}", "answer diffs[1] is not an object"),
        Arguments.of("{\"status\":\"FAIL\",\"diffs\":[{\"left\":1}]}", noField),
        Arguments.of("{\"status\":\"FAIL\",\"diffs\":[{\"field\":\" \"}]}", noField),
        Arguments.of("{\"status\":\"FAIL\",\"diffs\":[{\"field\":3}]}", noField));
  }

  @ParameterizedTest
  @MethodSource("malformedAnswers")
  void aMalformedAnswerIsAnErrorThatSaysWhy(String body, String error) {
    assertEquals(error, errorOf(200, body));
  }

  @Test
  void noAnswerInTimeIsAnErrorNamingTheTimeout() {
    Checked checked = ApiVerdicts.noAnswer(QUERY, new NoStackTraceTimeoutException("The timeout period of 250ms has been exceeded"), 250, 251);
    assertEquals(Status.ERROR, checked.verdict().status());
    assertEquals("endpoint timed out after 250 ms (POST http://127.0.0.1:9/check)", checked.verdict().error());
    assertEquals(251, checked.left().tookMs());
  }

  @Test
  void aRefusedConnectionIsAnError() {
    Checked checked = ApiVerdicts.noAnswer(QUERY, new ConnectException("Connection refused: /127.0.0.1:9"), 5000, 1);
    assertEquals("endpoint connection refused POST http://127.0.0.1:9/check", checked.verdict().error());
  }

  @Test
  void theRequestCarriesTaskEventAndAttempt() throws Exception {
    Task task = new Task("t1", "orders vs partner", "es-1", TaskType.API, true, null, null, null, null, null,
        new ApiCheck("http://127.0.0.1:9/check", Map.of("Authorization", "Bearer s3cret"), null), null, null, 1, 2);
    Map<String, Object> data = new HashMap<>();
    data.put("id", 7);
    data.put("amount", new BigDecimal("12.50"));
    data.put("note", null);
    Event event = new Event("e1", "es-1", "UPDATE", data, null, 1000, 1001);
    JsonNode body = Json.MAPPER.readTree(ApiVerdicts.requestBody(task, event, 3));
    JsonNode expected = Json.MAPPER.readTree("""
        {"task": {"id": "t1", "name": "orders vs partner"},
         "event": {"id": "e1", "sourceId": "es-1", "op": "UPDATE", "data": {"id": 7, "amount": 12.50},
                   "occurredAt": 1000, "receivedAt": 1001},
         "attempt": 3}
        """);
    assertEquals(expected, body, "null values are left out, as everywhere in Tally's JSON (a stored job has lost them too)");
    assertEquals("12.50", body.at("/event/data/amount").decimalValue().toPlainString(), "decimals keep their scale");
    assertFalse(body.toString().contains("s3cret"), "headers are not part of the body");
  }
}
