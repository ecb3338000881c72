package dev.tally.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.auth.Role;
import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.Json;
import dev.tally.model.Task;
import dev.tally.model.ValidationException;
import dev.tally.source.Catalog;
import dev.tally.source.RedisSourceOptions;
import dev.tally.source.SqlNames;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /api/v1/data-sources: CRUD and the connection test. Passwords go in, never out. */
final class DataSourceRoutes {
  private static final String PATH = "/api/v1/data-sources";
  private static final int MAX_CATALOG_PREFIX = 256;
  private final ApiContext api;

  DataSourceRoutes(ApiContext api) {
    this.api = api;
  }

  void mount(Router router) {
    router.post(PATH).handler(this::create);
    router.get(PATH).handler(ctx -> Http.respond(ctx, 200, api.config().dataSources()
        .map(l -> Map.of("items", Access.visible(ctx, l, DataSource::team).stream().map(DataSourceRoutes::view).toList()))));
    router.get(PATH + "/:id").handler(ctx -> Http.respond(ctx, 200, existing(ctx, Role.VIEWER).map(DataSourceRoutes::view)));
    router.put(PATH + "/:id").handler(this::update);
    router.delete(PATH + "/:id").handler(this::delete);
    router.post(PATH + "/:id/test").handler(this::test);
    router.get(PATH + "/:id/catalog").handler(this::catalog);
  }

  /** The API's view of a data source: everything but the secrets, plus whether each is set; header values masked. */
  static ObjectNode view(DataSource ds) {
    ObjectNode node = Json.MAPPER.valueToTree(ds);
    node.remove("password");
    node.remove("apiKey");
    node.set("headers", Json.MAPPER.valueToTree(ApiHeaders.masked(ds.headers())));
    node.put("passwordSet", ds.password() != null && !ds.password().isEmpty());
    node.put("apiKeySet", ds.apiKey() != null && !ds.apiKey().isEmpty());
    return node;
  }

  /** The source of the path, if the caller holds {@code role} in its team (404 if they cannot see it, else 403). */
  private Future<DataSource> existing(RoutingContext ctx, Role role) {
    String id = ctx.pathParam("id");
    return Http.found(api.config().dataSource(id), "data source", id).map(ds -> {
      Access.requireOn(ctx, ds.team(), role, "data source", id);
      return ds;
    });
  }

  private void create(RoutingContext ctx) {
    byte[] body = Http.body(ctx);
    DataSource in = Json.readInput(body, DataSource.class);
    long now = System.currentTimeMillis();
    Http.respond(ctx, 201, api.teams().forCreate(ctx, TeamRules.requested(body)).compose(team -> {
      DataSource ds = allowed(validate(in.withSecrets(in.password(), in.apiKey(), ApiHeaders.keepStored(in.headers(), Map.of(), "headers."))
          .withIdentity(Http.idOrNew(in.id(), "id"), now, now).withTeam(team)));
      return api.config().dataSource(ds.id())
          .compose(clash -> clash != null
              ? Future.failedFuture(new ApiErrors.Conflict("data source " + ds.id() + " already exists"))
              : api.config().insert(ds))
          .compose(v -> api.configChanged("data-source", ds.id()))
          .map(v -> view(ds));
    }));
  }

  private void update(RoutingContext ctx) {
    byte[] body = Http.body(ctx);
    DataSource in = Json.readInput(body, DataSource.class);
    Http.respond(ctx, 200, existing(ctx, Role.ADMIN).compose(old -> api.teams()
        .forUpdate(ctx, old.team(), TeamRules.requested(body), "data source " + old.id(), () -> users(old.id()))
        .compose(team -> {
          // an absent secret keeps the stored one: clients never get it back to resend it
          String password = in.password() != null ? in.password() : old.password();
          String apiKey = in.apiKey() != null ? in.apiKey() : old.apiKey();
          DataSource ds = allowed(validate(in.withSecrets(password, apiKey, ApiHeaders.keepStored(in.headers(), old.headers(), "headers."))
              .withIdentity(old.id(), old.createdAt(), System.currentTimeMillis()).withTeam(team)));
          return api.config().update(ds).compose(v -> api.configChanged("data-source", ds.id())).map(v -> view(ds));
        })));
  }

  /** The tasks and direct binlog event sources that read this data source. */
  private List<String> users(String dataSourceId) {
    List<String> users = new java.util.ArrayList<>();
    api.cache().tasks().stream().filter(t -> uses(t, dataSourceId)).forEach(t -> users.add("task " + t.id()));
    api.cache().eventSources().stream().filter(es -> es.isDirect() && dataSourceId.equals(es.dataSourceId()))
        .forEach(es -> users.add("event source " + es.id()));
    return users;
  }

  private void delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Http.respond(ctx, 204, existing(ctx, Role.ADMIN).compose(ds -> api.config().tasks()).compose(tasks -> {
      List<String> users = tasks.stream().filter(t -> uses(t, id)).map(Task::id).toList();
      if (!users.isEmpty()) return Future.failedFuture(new ApiErrors.Conflict("data source " + id + " is used by tasks " + users));
      return api.config().deleteDataSource(id).compose(v -> api.readers().invalidate(id))
          .compose(v -> api.configChanged("data-source", id));
    }));
  }

  private void test(RoutingContext ctx) {
    Http.respond(ctx, 200, existing(ctx, Role.OPERATOR).compose(ds -> {
      long started = System.nanoTime();
      return api.readers().reader(ds).test()
          .map(v -> (Object) Map.of("ok", true, "tookMs", (System.nanoTime() - started) / 1_000_000))
          .recover(err -> Future.succeededFuture(Map.of("ok", false, "error", String.valueOf(err.getMessage()),
              "tookMs", (System.nanoTime() - started) / 1_000_000)));
    }));
  }

  /**
   * What the source holds, for the task form: {@code ?table=} (SQL) or {@code ?index=} (Elasticsearch) adds that
   * table's columns or index's fields, {@code ?prefix=} narrows Redis keys. A source that cannot be reached
   * answers 200 with {@code {"error": ...}}, as the connection test does.
   */
  private void catalog(RoutingContext ctx) {
    Http.respond(ctx, 200, existing(ctx, Role.OPERATOR).compose(ds -> {
      String of = catalogOf(ctx, ds.kind());
      String prefix = ctx.request().getParam("prefix");
      if (prefix != null && prefix.length() > MAX_CATALOG_PREFIX) {
        throw new ValidationException("prefix", "too long", "at most " + MAX_CATALOG_PREFIX + " characters");
      }
      return api.readers().reader(ds).catalog(of, prefix)
          .map(catalog -> catalogView(ds.kind(), catalog))
          .recover(err -> Future.succeededFuture(Map.of("kind", ds.kind().name(), "error", String.valueOf(err.getMessage()))));
    }));
  }

  /** The table (SQL) or index (Elasticsearch) whose columns or fields are asked for; null for none. */
  private static String catalogOf(RoutingContext ctx, DataSourceKind kind) {
    String param = switch (kind) {
      case MYSQL, POSTGRES -> "table";
      case ELASTICSEARCH -> "index";
      case REDIS, HTTP -> null;
    };
    String value = param == null ? null : ctx.request().getParam(param);
    if (value == null || value.isBlank()) return null;
    value = value.strip();
    if (param.equals("table") && !SqlNames.isTableName(value)) throw new ValidationException("table", "not a valid table name", value);
    if (param.equals("index") && (value.length() > 255 || value.startsWith("_"))) throw new ValidationException("index", "not a valid index name", value);
    return value;
  }

  private static Map<String, Object> catalogView(DataSourceKind kind, Catalog catalog) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("kind", kind.name());
    if (!catalog.supported()) {
      view.put("supported", false);
      view.put("reason", catalog.reason());
      return view;
    }
    String names = switch (kind) {
      case MYSQL, POSTGRES -> "tables";
      case REDIS -> "keys";
      case ELASTICSEARCH -> "indices";
      case HTTP -> "names";
    };
    view.put(names, entries(catalog.names()));
    if (catalog.members() != null) view.put(kind == DataSourceKind.ELASTICSEARCH ? "fields" : "columns", entries(catalog.members()));
    view.put("truncated", catalog.truncated());
    return view;
  }

  private static List<Map<String, String>> entries(List<Catalog.Entry> entries) {
    return entries.stream().map(e -> e.type() == null ? Map.of("name", e.name()) : Map.of("name", e.name(), "type", e.type())).toList();
  }

  private static boolean uses(Task t, String dataSourceId) {
    return (t.left() != null && dataSourceId.equals(t.left().dataSourceId()))
        || (t.right() != null && dataSourceId.equals(t.right().dataSourceId()));
  }

  /** A CA file only with tls on, and readable here (every node of a cluster needs it at the same path). */
  private static void validateSqlTls(DataSource ds) {
    if (ds.tlsCaFile() == null) return;
    if (!ds.tlsOn()) throw new ValidationException("tlsCaFile", "applies only with tls: true");
    boolean readable;
    try {
      readable = !ds.tlsCaFile().isBlank() && Files.isReadable(Path.of(ds.tlsCaFile()));
    } catch (InvalidPathException e) {
      readable = false;
    }
    if (!readable) {
      throw new ValidationException("tlsCaFile", "is not a readable file on this node", ds.tlsCaFile());
    }
  }

  /** The URLs of an HTTP or Elasticsearch data source must be allowed by outbound.allowHosts. */
  private DataSource allowed(DataSource ds) {
    if (ds.kind() == DataSourceKind.HTTP) Http.requireAllowed(api.readers().outbound(), ds.baseUrl(), "baseUrl");
    if (ds.kind() == DataSourceKind.ELASTICSEARCH) {
      for (int i = 0; i < ds.hosts().size(); i++) Http.requireAllowed(api.readers().outbound(), ds.hosts().get(i).strip(), "hosts[" + i + "]");
    }
    return ds;
  }

  static DataSource validate(DataSource ds) {
    Http.requireText(ds.name(), "name");
    if (ds.kind() == null) throw new ValidationException("kind", "required", "one of " + List.of(DataSourceKind.values()));
    switch (ds.kind()) {
      case ELASTICSEARCH -> validateElasticsearch(ds);
      case MYSQL, POSTGRES -> {
        Http.requireText(ds.host(), "host");
        Http.requireText(ds.database(), "database");
        Http.requireText(ds.user(), "user");
        validateSqlTls(ds);
      }
      case REDIS -> RedisSourceOptions.validate(ds);
      case HTTP -> {
        Http.requireText(ds.baseUrl(), "baseUrl");
        requireHttpUrl(ds.baseUrl(), "baseUrl");
      }
    }
    if (ds.port() != null && (ds.port() < 1 || ds.port() > 65535)) throw new ValidationException("port", "out of range", "1 to 65535");
    if (ds.timeoutMs() != null && ds.timeoutMs() <= 0) throw new ValidationException("timeoutMs", "must be positive");
    if (ds.poolSize() != null && (ds.poolSize() < 1 || ds.poolSize() > 100)) throw new ValidationException("poolSize", "out of range", "1 to 100");
    return ds;
  }

  /** hosts: base URLs of one cluster; basic auth (user, password) or an apiKey, not both. */
  private static void validateElasticsearch(DataSource ds) {
    if (ds.hosts().isEmpty()) throw new ValidationException("hosts", "required", "base URLs such as http://127.0.0.1:9200");
    for (int i = 0; i < ds.hosts().size(); i++) {
      String host = ds.hosts().get(i);
      Http.requireText(host, "hosts[" + i + "]");
      requireHttpUrl(host.strip(), "hosts[" + i + "]");
      if (URI.create(host.strip()).getRawUserInfo() != null) {
        // hosts are shown by the API: credentials belong in user/password or apiKey, which are not
        throw new ValidationException("hosts[" + i + "]", "must not hold credentials", "use user and password, or apiKey");
      }
    }
    boolean basic = ds.user() != null && !ds.user().isEmpty() || ds.password() != null && !ds.password().isEmpty();
    if (basic && ds.apiKey() != null && !ds.apiKey().isEmpty()) {
      throw new ValidationException("apiKey", "give either apiKey or user and password, not both");
    }
    if (ds.password() != null && !ds.password().isEmpty() && (ds.user() == null || ds.user().isBlank())) {
      throw new ValidationException("user", "required with a password");
    }
  }

  private static void requireHttpUrl(String url, String field) {
    try {
      URI uri = URI.create(url);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) throw new IllegalArgumentException();
    } catch (IllegalArgumentException e) {
      throw new ValidationException(field, "not an http(s) URL", url);
    }
  }
}
