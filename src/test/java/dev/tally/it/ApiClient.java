package dev.tally.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.model.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** A plain HTTP client for Tally's REST API, as a user's script would be. */
public final class ApiClient {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  /** Sent as {@code Authorization: Bearer <token>} when set. */
  private final String bearer;
  /** Sent with every request (a cookie, a CSRF token, HTTP Basic...). */
  private final java.util.Map<String, String> headers;

  public record Response(int status, JsonNode body, String text, java.net.http.HttpHeaders headers) {
    public String id() {
      return body.get("id").asText();
    }

    /** The first value of a response header, or null. */
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  /** PASS + FAIL + ERROR of a task's stats answer. */
  public static long verdicts(JsonNode stats) {
    return stats.get("pass").asLong() + stats.get("fail").asLong() + stats.get("error").asLong();
  }

  public ApiClient(int port) {
    this("http://127.0.0.1:" + port, null);
  }

  private ApiClient(String base, String bearer) {
    this(base, bearer, java.util.Map.of());
  }

  private ApiClient(String base, String bearer, java.util.Map<String, String> headers) {
    this.base = base;
    this.bearer = bearer;
    this.headers = headers;
  }

  /** The same node, each request carrying {@code Authorization: Bearer token}. */
  public ApiClient withBearer(String token) {
    return new ApiClient(base, token, headers);
  }

  /** The same node, each request carrying this header too (replacing an earlier value of it). */
  public ApiClient withHeader(String name, String value) {
    java.util.Map<String, String> more = new java.util.HashMap<>(headers);
    more.put(name, value);
    return new ApiClient(base, bearer, java.util.Map.copyOf(more));
  }

  /** The same node, each request signed in with HTTP Basic. */
  public ApiClient withBasic(String username, String password) {
    return withHeader("authorization", "Basic " + java.util.Base64.getEncoder()
        .encodeToString((username + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /** The bearer token this client sends; null for none. */
  public String bearerToken() {
    return bearer;
  }

  /** The address of a path on this node, for clients other than this one (e.g. reading a stream). */
  public URI uri(String path) {
    return URI.create(base + path);
  }

  /** The base URL, {@code http://127.0.0.1:<port>}. */
  public String baseUrl() {
    return base;
  }

  public Response get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Response post(String path, String json) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(json))
        .header("content-type", "application/json"));
  }

  public Response put(String path, String json) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).PUT(HttpRequest.BodyPublishers.ofString(json))
        .header("content-type", "application/json"));
  }

  public Response delete(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  /** POSTs and insists on the expected status, so setup mistakes fail loudly. */
  public Response create(String path, String json) throws Exception {
    Response r = post(path, json);
    if (r.status() != 201) throw new AssertionError("POST " + path + " answered " + r.status() + ": " + r.text());
    return r;
  }

  /** A MYSQL data source on the machine's MariaDB, database test; its id. */
  public String createLocalMysqlSource(String name) throws Exception {
    return create("/api/v1/data-sources", "{\"name\":\"" + name + "\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\","
        + "\"port\":3306,\"database\":\"test\",\"user\":\"root\",\"password\":\"\"}").id();
  }

  /** A REDIS data source on the machine's Redis; its id. */
  public String createLocalRedisSource(String name) throws Exception {
    return create("/api/v1/data-sources", "{\"name\":\"" + name + "\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\",\"port\":6379}").id();
  }

  /** Polls GET path until it answers {@code status}; after the deadline, the last answer, whatever its status. */
  public Response awaitStatus(String path, int status, Duration deadline) throws Exception {
    long end = System.nanoTime() + deadline.toNanos();
    Response last = get(path);
    while (last.status() != status && System.nanoTime() < end) {
      java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
      last = get(path);
    }
    return last;
  }

  /** Polls GET path until the body satisfies the condition, or fails after the deadline. */
  public JsonNode await(String path, Predicate<JsonNode> condition, Duration deadline) throws Exception {
    long end = System.nanoTime() + deadline.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < end) {
      try {
        Response r = get(path);
        last = r.body();
        if (r.status() == 200 && condition.test(last)) return last;
      } catch (java.io.IOException notUpYet) {
        last = null;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
    }
    throw new AssertionError("condition not met within " + deadline + " on " + path + "; last: " + last);
  }

  private Response send(HttpRequest.Builder request) throws Exception {
    headers.forEach(request::header);
    if (bearer != null) request.setHeader("authorization", "Bearer " + bearer);
    HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    boolean json = r.headers().firstValue("content-type").orElse("").startsWith("application/json");
    JsonNode body = json && !r.body().isEmpty() ? Json.MAPPER.readTree(r.body()) : null;
    return new Response(r.statusCode(), body, r.body(), r.headers());
  }
}
