package dev.tally.repair;

import dev.tally.model.AppliedRepair;
import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.Json;
import dev.tally.model.RepairPlan;
import dev.tally.model.RepairPlan.Operation;
import dev.tally.source.RedisSideReader;
import dev.tally.source.SideReaders;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import dev.tally.net.OutboundClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a repair plan to its target, operation by operation, for tasks with {@code applyRepair}: Redis through
 * the data source's own client (each operation one command, its values the arguments), Elasticsearch through the
 * outbound client (PUT/POST/DELETE of one document; the outbound policy applies and the answer is size-bounded). Stops at the first failed operation; every operation tried is
 * reported with its outcome.
 */
public final class RepairApplier {
  private final SideReaders readers;
  private final OutboundClient out;

  public RepairApplier(SideReaders readers, OutboundClient out) {
    this.readers = readers;
    this.out = out;
  }

  /** True if Tally can apply plans for this target itself. */
  public static boolean applicable(RepairPlan plan) {
    return plan != null && plan.derived()
        && (plan.target() == DataSourceKind.REDIS || plan.target() == DataSourceKind.ELASTICSEARCH);
  }

  public Future<List<AppliedRepair>> apply(DataSource target, RepairPlan plan) {
    return applyFrom(target, plan.operations(), 0, new ArrayList<>());
  }

  private Future<List<AppliedRepair>> applyFrom(DataSource target, List<Operation> ops, int i, List<AppliedRepair> done) {
    if (i == ops.size()) return Future.succeededFuture(List.copyOf(done));
    Operation op = ops.get(i);
    return Future.<Void>succeededFuture()
        .compose(nothing -> target.kind() == DataSourceKind.REDIS ? redis(target, op) : elasticsearch(target, op))
        .map(v -> new AppliedRepair(op.action(), op.text(), op.values(), System.currentTimeMillis(), true, null))
        .otherwise(err -> new AppliedRepair(op.action(), op.text(), op.values(), System.currentTimeMillis(), false,
            String.valueOf(err.getMessage())))
        .compose(applied -> {
          done.add(applied);
          return applied.ok() ? applyFrom(target, ops, i + 1, done) : Future.succeededFuture(List.copyOf(done));
        });
  }

  private Future<Void> redis(DataSource target, Operation op) {
    return readers.ready(target).compose(reader -> {
      if (!(reader instanceof RedisSideReader redis)) return Future.failedFuture("data source " + target.id() + " is not Redis");
      io.vertx.redis.client.Request request = io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.create(op.action()));
      op.values().forEach(v -> request.arg(String.valueOf(v)));
      return redis.send(request).mapEmpty();
    });
  }

  private Future<Void> elasticsearch(DataSource target, Operation op) {
    if (target.hosts().isEmpty()) return Future.failedFuture("data source " + target.id() + " has no hosts");
    String base = target.hosts().get(0).replaceAll("/+$", "");
    String index = encode(op.values().get(0));
    String id = encode(op.values().get(1));
    HttpMethod method = switch (op.action()) {
      case "INDEX" -> HttpMethod.PUT;
      case "UPDATE_DOC" -> HttpMethod.POST;
      case "DELETE_DOC" -> HttpMethod.DELETE;
      default -> throw new IllegalArgumentException("unknown Elasticsearch repair " + op.action());
    };
    String path = op.action().equals("UPDATE_DOC") ? "/_update/" : "/_doc/";
    Map<String, String> headers = new LinkedHashMap<>();
    if (target.apiKey() != null && !target.apiKey().isEmpty()) {
      headers.put("Authorization", "ApiKey " + target.apiKey());
    } else if (target.user() != null && !target.user().isEmpty()) {
      String pair = target.user() + ":" + (target.password() == null ? "" : target.password());
      headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    Buffer body = null;
    if (op.values().size() > 2) {
      headers.put("Content-Type", "application/json");
      body = Buffer.buffer(Json.writeBytes(op.values().get(2)));
    }
    return out.send(method, base + "/" + index + path + id + "?refresh=true", headers, body, target.timeoutOrDefault())
        .compose(response -> {
          int status = response.status();
          boolean gone = status == 404 && method == HttpMethod.DELETE;
          return status / 100 == 2 || gone ? Future.succeededFuture()
              : Future.failedFuture("HTTP " + status + " from " + base);
        });
  }

  private static String encode(Object value) {
    return URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8).replace("+", "%20");
  }
}
