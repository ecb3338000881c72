package dev.tally.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tally.model.DataSource;
import dev.tally.model.Event;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import dev.tally.net.OutboundClient;
import dev.tally.net.OutboundPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Reads one entity from the user's HTTP API: GET (or POST with a JSON body) on a URL template whose values
 * are URL-encoded, then the entity at the JSON path of a 2xx JSON answer. 404 means missing. Requests go through
 * an {@link OutboundClient}: only to allowed hosts, no redirects followed, answers bounded in size.
 */
public final class HttpSideReader implements SideReader {
  private static final Pattern ABSOLUTE = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");

  private final DataSource dataSource;
  private final OutboundClient client;
  private final long timeoutMs;

  public HttpSideReader(Vertx vertx, DataSource dataSource) {
    this(vertx, dataSource, OutboundPolicy.DEFAULT);
  }

  public HttpSideReader(Vertx vertx, DataSource dataSource, OutboundPolicy policy) {
    this.dataSource = dataSource;
    this.timeoutMs = dataSource.timeoutOrDefault();
    PoolOptions pool = new PoolOptions();
    if (dataSource.poolSize() != null) pool.setHttp1MaxSize(dataSource.poolSize()).setHttp2MaxSize(dataSource.poolSize());
    this.client = new OutboundClient(vertx, policy, new HttpClientOptions().setConnectTimeout((int) timeoutMs), pool);
  }

  /** What one read sends: everything rendered before any I/O, so a failure can still show it. */
  private record Call(HttpMethod method, String url, String body) {
    String query() {
      return method.name() + " " + url;
    }

    List<Object> params() {
      return body == null ? List.of() : List.of(body);
    }
  }

  @Override
  public Future<SideRead> read(SideSpec spec, Event event) {
    long start = System.nanoTime();
    Call call;
    try {
      call = call(spec, event.data());
    } catch (IllegalArgumentException | Template.MissingVariableException e) {
      return Future.succeededFuture(SideRead.failed(e.getMessage(), spec.url(), List.of(), tookMs(start)));
    }
    return send(call)
        .map(response -> toRead(response, call, JsonPath.parse(spec.jsonPath()), start))
        .otherwise(error -> SideRead.failed(
            ReadErrors.describe(error, call.query(), timeoutMs), call.query(), call.params(), tookMs(start)));
  }

  /** Any HTTP answer, whatever its status, shows the API is reachable. */
  @Override
  public Future<Void> test() {
    if (dataSource.baseUrl() == null || dataSource.baseUrl().isBlank()) {
      return Future.failedFuture("the data source has no baseUrl to test");
    }
    Call call = new Call(HttpMethod.GET, dataSource.baseUrl(), null);
    return send(call)
        .<Void>mapEmpty()
        .recover(error -> Future.failedFuture(ReadErrors.describe(error, call.query(), timeoutMs)));
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  private Call call(SideSpec spec, Map<String, Object> data) {
    HttpMethod method = method(spec.method());
    Template url = Template.parse(spec.url());
    TemplateValues.requirePresent(url, data);
    JsonPath.parse(spec.jsonPath()); // a bad path fails the read before the request is sent
    String body = spec.body() == null || method != HttpMethod.POST ? null
        : TemplateValues.json(Template.parse(spec.body()), data);
    return new Call(method, resolve(url.render(data, TemplateValues::url)), body);
  }

  private static HttpMethod method(String method) {
    String name = method == null || method.isBlank() ? "GET" : method.trim().toUpperCase(Locale.ROOT);
    return switch (name) {
      case "GET" -> HttpMethod.GET;
      case "POST" -> HttpMethod.POST;
      default -> throw new IllegalArgumentException("method " + method + " is not GET or POST");
    };
  }

  private String resolve(String url) {
    if (url.isBlank()) throw new IllegalArgumentException("url is empty");
    if (ABSOLUTE.matcher(url).matches()) return url;
    String base = dataSource.baseUrl();
    if (base == null || base.isBlank()) {
      throw new IllegalArgumentException("url " + url + " is relative and the data source has no baseUrl");
    }
    return stripTrailingSlash(base) + (url.startsWith("/") ? url : "/" + url);
  }

  private static String stripTrailingSlash(String base) {
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  private Future<OutboundClient.Response> send(Call call) {
    Map<String, String> headers = new LinkedHashMap<>(dataSource.headers());
    if (call.body() != null && headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
      headers.put("Content-Type", "application/json");
    }
    return client.send(call.method(), call.url(), headers, call.body() == null ? null : Buffer.buffer(call.body()), timeoutMs);
  }

  private static SideRead toRead(OutboundClient.Response response, Call call, JsonPath path, long start) {
    int status = response.status();
    if (status == 404) return SideRead.missing(call.query(), call.params(), tookMs(start));
    if (status < 200 || status > 299) {
      String redirect = status / 100 == 3 ? " (redirects are not followed)" : "";
      return SideRead.failed("HTTP " + status + " from " + call.query() + redirect, call.query(), call.params(), tookMs(start));
    }
    Buffer body = response.body();
    if (body == null || body.length() == 0) return SideRead.missing(call.query(), call.params(), tookMs(start)); // 204
    Object document;
    try {
      document = JsonValues.parse(body.toString());
    } catch (JsonProcessingException e) {
      return SideRead.failed("response of " + call.query() + " is not JSON: " + JsonValues.reason(e),
          call.query(), call.params(), tookMs(start));
    }
    Optional<Object> entity = path.select(document);
    return entity.isEmpty() ? SideRead.missing(call.query(), call.params(), tookMs(start))
        : SideRead.found(JsonValues.fields(entity.get()), call.query(), call.params(), tookMs(start));
  }

  private static long tookMs(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
