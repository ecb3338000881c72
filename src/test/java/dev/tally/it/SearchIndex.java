package dev.tally.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One index of the real OpenSearch that scripts/infra/opensearch.sh starts (127.0.0.1, port
 * OPENSEARCH_HTTP_PORT or 19200), with a name unique to the run, for the fixtures of a test. Blocking:
 * for test threads only.
 */
public final class SearchIndex implements AutoCloseable {
  /** The node's base URL. */
  public static final String URL = "http://127.0.0.1:" + System.getenv().getOrDefault("OPENSEARCH_HTTP_PORT", "19200");

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public final String name;

  /** Creates the index with the given mappings JSON ({"properties": {...}}). */
  public SearchIndex(String namePrefix, String mappings) throws IOException, InterruptedException {
    name = namePrefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    send("PUT", "/" + name, "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},\"mappings\":" + mappings + "}");
  }

  /** Indexes (or replaces) a document and makes it searchable at once. */
  public void put(String id, String json) throws IOException, InterruptedException {
    send("PUT", "/" + name + "/_doc/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20") + "?refresh=true", json);
  }

  /** The document's {@code _source} as JSON, or null when there is none. */
  public String source(String id) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(URL + "/" + name + "/_source/"
        + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"))).timeout(Duration.ofSeconds(30)).GET().build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 404) return null;
    if (response.statusCode() / 100 != 2) throw new IOException("GET " + id + " -> HTTP " + response.statusCode() + ": " + response.body());
    return response.body();
  }

  /** Indexes many documents (id to JSON) in one bulk request and makes them searchable at once. */
  public void putAll(java.util.Map<String, String> documents) throws IOException, InterruptedException {
    StringBuilder bulk = new StringBuilder();
    documents.forEach((id, json) -> bulk.append("{\"index\":{\"_id\":").append(dev.tally.model.Json.write(id)).append("}}\n")
        .append(json).append('\n'));
    HttpRequest request = HttpRequest.newBuilder(URI.create(URL + "/" + name + "/_bulk?refresh=true")).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(bulk.toString())).build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2 || response.body().contains("\"errors\":true")) {
      throw new IOException("bulk into " + name + " -> HTTP " + response.statusCode() + ": "
          + response.body().substring(0, Math.min(500, response.body().length())));
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    send("DELETE", "/" + name, null);
  }

  private static void send(String method, String path, String json) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(URL + path)).timeout(Duration.ofSeconds(30));
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(method + " " + path + " -> HTTP " + response.statusCode() + ": " + response.body()
          + " (is OpenSearch up? scripts/infra/opensearch.sh start)");
    }
  }
}
