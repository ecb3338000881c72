package dev.tally.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the versioned scripts {@code db/migration/V<n>__*.sql} that the store has not seen yet, in order. */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  /** Listed explicitly: a fat JAR's classpath cannot be scanned portably. */
  static final List<String> SCRIPTS = List.of("V1__init.sql", "V2__ingest.sql", "V3__callbacks.sql", "V4__discrepancies.sql",
      "V5__alerts.sql", "V6__reports.sql", "V7__auth.sql", "V8__auth_api.sql",
      "V9__job_log.sql");

  private Migrations() {
  }

  public static Future<Integer> apply(Pool pool) {
    return apply(pool, false);
  }

  /**
   * On MySQL several nodes may start at once on an empty store: they take a named lock, so one migrates and
   * the others find the schema up to date.
   */
  public static Future<Integer> apply(Pool pool, boolean mysql) {
    if (!mysql) return migrate(pool);
    return pool.withConnection(conn -> conn.query("SELECT GET_LOCK('tally_migrations', 120)").execute()
        .compose(locked -> migrate(conn))
        .eventually(() -> conn.query("SELECT RELEASE_LOCK('tally_migrations')").execute()));
  }

  private static Future<Integer> migrate(io.vertx.sqlclient.SqlClient pool) {
    return pool.query("CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL)")
        .execute()
        .compose(v -> pool.query("SELECT MAX(version) FROM schema_version").execute())
        .map(rows -> {
          Row row = rows.iterator().next();
          Integer v = row.getInteger(0);
          return v == null ? 0 : v;
        })
        .compose(current -> applyFrom(pool, current));
  }

  private static Future<Integer> applyFrom(io.vertx.sqlclient.SqlClient pool, int current) {
    Future<Integer> chain = Future.succeededFuture(current);
    for (String script : SCRIPTS) {
      int version = Integer.parseInt(script.substring(1, script.indexOf("__")));
      if (version <= current) continue;
      chain = chain.compose(v -> applyOne(pool, script, version));
    }
    return chain;
  }

  private static Future<Integer> applyOne(io.vertx.sqlclient.SqlClient pool, String script, int version) {
    List<String> statements = statements(read(script));
    // DDL is not transactional in MySQL, so each statement runs on its own and the version is recorded last
    Future<Void> chain = Future.succeededFuture();
    for (String sql : statements) {
      chain = chain.compose(v -> pool.query(sql).execute().mapEmpty());
    }
    return chain
        .compose(v -> pool.preparedQuery("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)")
            .execute(Tuple.of(version, System.currentTimeMillis())))
        .map(v -> {
          LOG.info("store schema migrated to version {} ({})", version, script);
          return version;
        });
  }

  static List<String> statements(String script) {
    StringBuilder withoutComments = new StringBuilder();
    for (String line : script.split("\n")) {
      if (!line.trim().startsWith("--")) withoutComments.append(line).append('\n');
    }
    List<String> out = new ArrayList<>();
    Arrays.stream(withoutComments.toString().split(";")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
    return out;
  }

  private static String read(String script) {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + script)) {
      if (in == null) throw new IllegalStateException("missing migration " + script);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
