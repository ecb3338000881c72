package dev.tally.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tally.model.DataSource;
import dev.tally.model.Event;
import dev.tally.model.Json;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;
import dev.tally.net.OutboundClient;
import dev.tally.net.OutboundPolicy;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Reads one document from Elasticsearch 7/8 or OpenSearch 2 through the REST API both share: by id
 * ({@code GET /{index}/_doc/{id}}) or by a query ({@code POST /{index}/_search}, at most one hit allowed).
 *
 * <p>Event values never become request text: the id is URL-encoded as one path segment, and the query is a
 * JSON tree whose placeholders are replaced by values before the tree is written as JSON (see
 * {@link EsQueryTemplate}). The entity is the document's {@code _source}, filtered to the side's fields.
 *
 * <p>The data source's {@code hosts} are base URLs of the same cluster: a read goes to the host that last
 * answered and moves on to the next one when it cannot connect. {@code timeoutMs} bounds the whole read.
 * Credentials go in an Authorization header (basic, or {@code ApiKey}) and never into a message. Requests go
 * through {@link OutboundClient}: the outbound policy is checked on the name and on the address connected to,
 * and an answer larger than {@code outbound.maxResponseBytes} is an error, not a buffer that grows.
 */
public final class ElasticsearchSideReader implements SideReader {
  static final String TOO_MANY = "query matched more than one document";
  /** Longest part of an error body put into a message. */
  private static final int MAX_REASON = 300;

  private final List<String> hosts;
  private final String authorization;
  private final OutboundClient client;
  private final long timeoutMs;
  /** The host that answered last: reads start there. */
  private final AtomicInteger preferred = new AtomicInteger();

  public ElasticsearchSideReader(Vertx vertx, DataSource dataSource) {
    this(vertx, dataSource, OutboundPolicy.DEFAULT);
  }

  /** {@code outbound}: each host is checked before each request, by name and by the address it resolves to. */
  public ElasticsearchSideReader(Vertx vertx, DataSource dataSource, OutboundPolicy outbound) {
    this.hosts = dataSource.hosts().stream().map(ElasticsearchSideReader::stripTrailingSlash).toList();
    this.authorization = authorization(dataSource);
    this.timeoutMs = dataSource.timeoutOrDefault();
    PoolOptions pool = new PoolOptions();
    if (dataSource.poolSize() != null) pool.setHttp1MaxSize(dataSource.poolSize()).setHttp2MaxSize(dataSource.poolSize());
    HttpClientOptions options = new HttpClientOptions().setConnectTimeout((int) timeoutMs);
    if (dataSource.tlsCaFile() != null && !dataSource.tlsCaFile().isBlank()) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(dataSource.tlsCaFile()));
    }
    this.client = new OutboundClient(vertx, outbound, options, pool);
  }

  private static String authorization(DataSource ds) {
    if (ds.apiKey() != null && !ds.apiKey().isEmpty()) return "ApiKey " + ds.apiKey();
    if (ds.user() == null || ds.user().isEmpty()) return null;
    String pair = ds.user() + ":" + (ds.password() == null ? "" : ds.password());
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  /** One request, rendered before any I/O so that a failure can still show it. */
  record Call(HttpMethod method, String path, String body, List<Object> params) {
    String query() {
      return method.name() + " " + path + (body == null ? "" : " " + body);
    }
  }

  /** An answer and the host that gave it. */
  private record Answer(String host, OutboundClient.Response response) {
  }

  @Override
  public Future<SideRead> read(SideSpec spec, Event event) {
    long start = System.nanoTime();
    Call call;
    try {
      call = call(spec, event.data());
    } catch (IllegalArgumentException | Template.MissingVariableException e) {
      return Future.succeededFuture(SideRead.failed(e.getMessage(), describe(spec), List.of(), tookMs(start)));
    }
    return send(call, start)
        .map(answer -> toRead(answer.response(), call, spec.query() != null, start))
        .otherwise(error -> SideRead.failed(error.getMessage(), call.query(), call.params(), tookMs(start)));
  }

  /** Passes when a host answers {@code GET /} with 2xx (so the credentials work, too). */
  @Override
  public Future<Void> test() {
    Call call = new Call(HttpMethod.GET, "/", null, List.of());
    return send(call, System.nanoTime()).compose(answer -> {
      int status = answer.response().status();
      return status >= 200 && status <= 299 ? Future.<Void>succeededFuture()
          : Future.failedFuture(httpError(answer.response(), call, answer.host()));
    });
  }

  /**
   * The index names ({@code GET /_cat/indices}, hidden ones left out, at most {@link Catalog#MAX_NAMES}) and, for
   * {@code of}, that index's fields from {@code GET /{index}/_mapping}.
   */
  @Override
  public Future<Catalog> catalog(String of, String prefix) {
    if (of != null && of.isBlank()) return Future.failedFuture("index is empty");
    long start = System.nanoTime();
    return json(new Call(HttpMethod.GET, "/_cat/indices?format=json&h=index", null, List.of()), start)
        .compose(cat -> {
          List<Catalog.Entry> indices = ElasticsearchCatalog.indices(cat);
          boolean truncated = indices.size() > Catalog.MAX_NAMES;
          List<Catalog.Entry> names = truncated ? indices.subList(0, Catalog.MAX_NAMES) : indices;
          if (of == null) return Future.succeededFuture(Catalog.of(names, null, truncated));
          return json(new Call(HttpMethod.GET, "/" + TemplateValues.url(of) + "/_mapping", null, List.of()), start)
              .map(mapping -> Catalog.of(names, ElasticsearchCatalog.fields(mapping), truncated));
        });
  }

  /** Sends a call and parses its 2xx JSON answer; anything else fails with what went wrong. */
  private Future<Object> json(Call call, long startNanos) {
    return send(call, startNanos).compose(answer -> {
      OutboundClient.Response response = answer.response();
      if (response.status() < 200 || response.status() > 299) {
        return Future.failedFuture(httpError(response, call, answer.host()));
      }
      try {
        return Future.succeededFuture(JsonValues.parse(response.body().toString(StandardCharsets.UTF_8)));
      } catch (JsonProcessingException | RuntimeException e) {
        return Future.failedFuture("answer to " + call.method() + " " + call.path() + " is not JSON");
      }
    });
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  static Call call(SideSpec spec, Map<String, Object> data) {
    String index = spec.index();
    if (index == null || index.isBlank()) throw new IllegalArgumentException("index is empty");
    if (spec.query() != null) {
      EsQueryTemplate.Bound bound = EsQueryTemplate.bind(spec.query(), data);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("query", bound.query());
      body.put("size", 2); // two are enough to tell "exactly one" from "more than one"
      if (!spec.fields().isEmpty()) body.put("_source", spec.fields());
      return new Call(HttpMethod.POST, "/" + TemplateValues.url(index) + "/_search", Json.write(body), bound.params());
    }
    Template id = Template.parse(spec.id());
    TemplateValues.requirePresent(id, data);
    String rendered = id.render(data, TemplateValues::plain);
    if (rendered.isEmpty()) throw new IllegalArgumentException("document id is empty");
    String path = "/" + TemplateValues.url(index) + "/_doc/" + TemplateValues.url(rendered);
    if (!spec.fields().isEmpty()) {
      path += "?_source_includes=" + spec.fields().stream().map(TemplateValues::url).collect(Collectors.joining(","));
    }
    List<Object> params = new ArrayList<>();
    for (String var : id.variables()) params.add(Template.value(data, var));
    return new Call(HttpMethod.GET, path, null, List.copyOf(params));
  }

  /** What a side that could not even be rendered would have asked for. */
  private static String describe(SideSpec spec) {
    return spec.query() != null ? "POST /" + spec.index() + "/_search" : "GET /" + spec.index() + "/_doc/" + spec.id();
  }

  /**
   * Sends the call to the preferred host, then to the others in turn while connections fail. Fails with
   * a message that names the hosts but no credentials.
   */
  private Future<Answer> send(Call call, long startNanos) {
    if (hosts.isEmpty()) return Future.failedFuture("the data source has no hosts");
    int first = Math.floorMod(preferred.get(), hosts.size());
    return attempt(call, first, 0, startNanos, new ArrayList<>());
  }

  private Future<Answer> attempt(Call call, int index, int tried, long startNanos, List<String> refused) {
    String host = hosts.get(index);
    long left = timeoutMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    if (left <= 0) return Future.failedFuture("timed out after " + timeoutMs + " ms (" + String.join("; ", refused) + ")");
    return request(call, host, left)
        .map(response -> {
          preferred.set(index);
          return new Answer(host, response);
        })
        .recover(error -> {
          String reason = ReadErrors.describe(error, host, timeoutMs);
          if (!isConnectFailure(error)) return Future.failedFuture(reason);
          refused.add(reason);
          if (tried + 1 >= hosts.size()) {
            return Future.failedFuture(hosts.size() == 1 ? reason : "no host answered: " + String.join("; ", refused));
          }
          return attempt(call, (index + 1) % hosts.size(), tried + 1, startNanos, refused);
        });
  }

  private Future<OutboundClient.Response> request(Call call, String host, long timeout) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "application/json");
    if (authorization != null) headers.put("Authorization", authorization);
    if (call.body() != null) headers.put("Content-Type", "application/json");
    try {
      return client.send(call.method(), host + call.path(), headers, call.body() == null ? null : Buffer.buffer(call.body()),
          timeout);
    } catch (RuntimeException e) { // a closed client
      return Future.failedFuture(new IllegalArgumentException("cannot request " + host + call.path() + ": " + e.getMessage()));
    }
  }

  private static boolean isConnectFailure(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof UnknownHostException) return true;
      if (t.getCause() == t) break;
    }
    return false;
  }

  static SideRead toRead(OutboundClient.Response response, Call call, boolean byQuery, long start) {
    int status = response.status();
    if (status == 404 && !byQuery) return SideRead.missing(call.query(), call.params(), tookMs(start));
    if (status < 200 || status > 299) return SideRead.failed(httpError(response, call, null), call.query(), call.params(), tookMs(start));
    Object document;
    try {
      document = JsonValues.parse(response.body().toString(StandardCharsets.UTF_8));
    } catch (JsonProcessingException | RuntimeException e) {
      return SideRead.failed("answer to " + call.method() + " " + call.path() + " is not JSON", call.query(), call.params(), tookMs(start));
    }
    if (!(document instanceof Map<?, ?> answer)) {
      return SideRead.failed("answer to " + call.method() + " " + call.path() + " is not a JSON object", call.query(), call.params(), tookMs(start));
    }
    Object source;
    if (byQuery) {
      List<?> hits = hits(answer);
      if (hits.size() > 1) return SideRead.failed(TOO_MANY, call.query(), call.params(), tookMs(start));
      source = hits.isEmpty() ? null : sourceOf(hits.get(0));
    } else {
      source = Boolean.TRUE.equals(answer.get("found")) ? sourceOf(answer) : null;
    }
    return source == null ? SideRead.missing(call.query(), call.params(), tookMs(start))
        : SideRead.found(JsonValues.fields(source), call.query(), call.params(), tookMs(start));
  }

  /** hits.hits of a search answer; empty when there is none. */
  private static List<?> hits(Map<?, ?> answer) {
    Object hits = answer.get("hits") instanceof Map<?, ?> outer ? outer.get("hits") : null;
    return hits instanceof List<?> list ? list : List.of();
  }

  /** A document's _source; an empty object when every field was filtered out or _source is off. */
  private static Object sourceOf(Object document) {
    Object source = document instanceof Map<?, ?> map ? map.get("_source") : null;
    return source instanceof Map<?, ?> ? source : new LinkedHashMap<String, Object>();
  }

  /** "HTTP 401 from GET /idx/_doc/1: security_exception: missing authentication credentials ..." */
  private static String httpError(OutboundClient.Response response, Call call, String host) {
    String where = call.method() + " " + (host == null ? "" : host) + call.path();
    String reason = reason(response.body().toString(StandardCharsets.UTF_8));
    return "HTTP " + response.status() + " from " + where + (reason.isEmpty() ? "" : ": " + reason);
  }

  /** The error type and reason of an Elasticsearch error body, else the start of the body. */
  private static String reason(String body) {
    if (body == null || body.isBlank()) return "";
    String reason = body.strip();
    try {
      Object error = JsonValues.parse(body) instanceof Map<?, ?> map ? map.get("error") : null;
      if (error instanceof Map<?, ?> details) {
        Map<?, ?> cause = details.get("root_cause") instanceof List<?> causes && !causes.isEmpty()
            && causes.get(0) instanceof Map<?, ?> first ? first : details;
        reason = cause.get("type") + ": " + cause.get("reason");
      } else if (error instanceof String text) {
        reason = text;
      }
    } catch (JsonProcessingException e) {
      // not JSON: the start of the body is the best there is
    }
    return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason;
  }

  private static String stripTrailingSlash(String base) {
    String trimmed = base.strip();
    return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }

  private static long tookMs(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
