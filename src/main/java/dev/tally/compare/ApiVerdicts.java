package dev.tally.compare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.tally.compare.CompareVerticle.Checked;
import dev.tally.model.Diff;
import dev.tally.model.Event;
import dev.tally.model.Json;
import dev.tally.model.SideRead;
import dev.tally.model.Status;
import dev.tally.model.Task;
import dev.tally.model.Verdict;
import dev.tally.source.ReadErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The protocol of API tasks, without I/O: the JSON Tally POSTs to the user's endpoint, and how the endpoint's
 * answer (or the lack of one) becomes a verdict and two sides.
 *
 * <p>Request: {@code {"task": {"id", "name"}, "event": <the event as the REST API shows it>, "attempt": n}}.
 * Answer: {@code {"status": "PASS"|"FAIL", "diffs": [{"field", "left", "right", "detail"}], "left": ..., "right": ...}};
 * members it does not know are ignored. Each diff becomes a {@link Diff#MISMATCH} diff with comparator
 * {@value #COMPARATOR}. {@code left}/{@code right}, when present and not null, are the sides as the endpoint read
 * them (an object's members are the fields; any other value is the single field {@code $}); absent, the side is
 * not found. Anything else (not 2xx, empty, not JSON, not an object, no valid status, a malformed diff, no answer
 * in time) is an ERROR whose message says why.
 */
public final class ApiVerdicts {
  /** The comparator name the endpoint's diffs carry. */
  public static final String COMPARATOR = "API";
  /** How much of a bad answer's body an error quotes. */
  static final int SNIPPET_CHARS = 200;

  private static final ObjectReader READER = Json.MAPPER.readerFor(Object.class)
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ApiVerdicts() {
  }

  /** A malformed answer; its message is the result's error. */
  private static final class BadAnswer extends Exception {
    BadAnswer(String message) {
      super(message, null, false, false);
    }
  }

  /** What a result shows as the sides' query: {@code POST <url>}. */
  public static String query(String url) {
    return "POST " + url;
  }

  /** The JSON body POSTed to the endpoint. */
  public static String requestBody(Task task, Event event, int attempt) {
    Map<String, Object> taskRef = new LinkedHashMap<>();
    taskRef.put("id", task.id());
    taskRef.put("name", task.name());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("task", taskRef);
    body.put("event", event);
    body.put("attempt", attempt);
    return Json.write(body);
  }

  /** The verdict for an HTTP answer of the endpoint. */
  static Checked answer(String query, int httpStatus, String body, long tookMs) {
    try {
      return parse(query, httpStatus, body, tookMs);
    } catch (BadAnswer e) {
      return error(query, e.getMessage(), tookMs);
    }
  }

  /** The verdict when no answer came: a time-out, a refused connection, a bad URL. */
  static Checked noAnswer(String query, Throwable failure, long timeoutMs, long tookMs) {
    return error(query, "endpoint " + ReadErrors.describe(failure, query, timeoutMs), tookMs);
  }

  /** An ERROR with both sides failed for the same reason, so a result's detail shows the query that failed. */
  static Checked error(String query, String message, long tookMs) {
    SideRead failed = SideRead.failed(message, query, List.of(), tookMs);
    return new Checked(failed, failed, Verdict.error(message));
  }

  private static Checked parse(String query, int httpStatus, String body, long tookMs) throws BadAnswer {
    if (httpStatus < 200 || httpStatus > 299) {
      throw new BadAnswer("endpoint answered HTTP " + httpStatus + (body == null || body.isBlank() ? "" : ": " + snippet(body)));
    }
    if (body == null || body.isBlank()) {
      throw new BadAnswer("endpoint answered HTTP " + httpStatus + " with an empty body; expected {\"status\": \"PASS|FAIL\", ...}");
    }
    Object document;
    try {
      document = READER.readValue(body);
    } catch (JsonProcessingException e) {
      String reason = e.getOriginalMessage() == null ? "invalid JSON" : e.getOriginalMessage().lines().findFirst().orElse("");
      throw new BadAnswer("answer is not JSON (" + reason + "): " + snippet(body));
    }
    if (!(document instanceof Map<?, ?> answer)) throw new BadAnswer("answer is not a JSON object: " + snippet(body));
    Status status = status(answer.get("status"), answer.get("error"));
    List<Diff> diffs = diffs(answer.get("diffs"));
    SideRead left = side(answer.get("left"), query, tookMs);
    SideRead right = side(answer.get("right"), query, tookMs);
    return new Checked(left, right, new Verdict(status, diffs, null));
  }

  private static Status status(Object status, Object error) throws BadAnswer {
    if (status == null) throw new BadAnswer("answer has no status; expected \"PASS\" or \"FAIL\"");
    if ("PASS".equals(status)) return Status.PASS;
    if ("FAIL".equals(status)) return Status.FAIL;
    String why = error instanceof String text && !text.isBlank() ? ": " + snippet(text) : "";
    if ("ERROR".equals(status)) throw new BadAnswer("endpoint reported an error" + why);
    throw new BadAnswer("answer status " + snippet(Json.write(status)) + " is not \"PASS\" or \"FAIL\"" + why);
  }

  private static List<Diff> diffs(Object diffs) throws BadAnswer {
    if (diffs == null) return List.of();
    if (!(diffs instanceof List<?> list)) throw new BadAnswer("answer diffs is not an array");
    List<Diff> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> diff)) throw new BadAnswer("answer diffs[" + i + "] is not an object");
      if (!(diff.get("field") instanceof String field) || field.isBlank()) {
        throw new BadAnswer("answer diffs[" + i + "] has no field (a non-empty string)");
      }
      Object detail = diff.get("detail");
      String detailText = detail == null ? null : detail instanceof String text ? text : Json.write(detail);
      out.add(new Diff(Diff.MISMATCH, field, null, null, diff.get("left"), diff.get("right"), COMPARATOR, detailText));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static SideRead side(Object value, String query, long tookMs) {
    if (value == null) return SideRead.missing(query, List.of(), tookMs);
    Map<String, Object> fields;
    if (value instanceof Map<?, ?> map) {
      fields = (Map<String, Object>) map;
    } else {
      fields = new LinkedHashMap<>();
      fields.put("$", value);
    }
    return SideRead.found(fields, query, List.of(), tookMs);
  }

  /** The start of a text, on one line, for an error message. */
  static String snippet(String text) {
    String line = text.strip().replaceAll("\\s+", " ");
    return line.length() <= SNIPPET_CHARS ? line : line.substring(0, SNIPPET_CHARS) + "…";
  }
}
