package dev.tally.source;

import dev.tally.model.DataSourceKind;
import dev.tally.model.SideSpec;
import dev.tally.model.ValidationException;
import dev.tally.model.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Checks one side of a CONFIG task against what its data source kind needs, before it is saved. */
public final class SideSpecValidator {
  private SideSpecValidator() {
  }

  /**
   * @param fieldPrefix where the side sits in the request ("left", "right"), so errors name e.g. "left.table"
   * @throws ValidationException naming the first bad field
   */
  public static void validate(DataSourceKind kind, SideSpec spec, String fieldPrefix) {
    String prefix = fieldPrefix == null || fieldPrefix.isEmpty() ? "" : fieldPrefix + ".";
    if (spec == null) throw new ValidationException(prefix.isEmpty() ? null : fieldPrefix, "is required");
    if (kind == null) throw new ValidationException(prefix + "dataSourceId", "data source kind is unknown");
    if ((spec.isList() || spec.rowKey() != null) && kind != DataSourceKind.MYSQL && kind != DataSourceKind.POSTGRES) {
      throw new ValidationException(prefix + (spec.isList() ? "list" : "rowKey"), "applies only to MYSQL and POSTGRES sides", kind.name());
    }
    switch (kind) {
      case MYSQL -> validateSql(MySqlDialect.INSTANCE, spec, prefix);
      case POSTGRES -> validateSql(PostgresDialect.INSTANCE, spec, prefix);
      case REDIS -> validateRedis(spec, prefix);
      case HTTP -> validateHttp(spec, prefix);
      case ELASTICSEARCH -> validateElasticsearch(spec, prefix);
    }
  }

  /**
   * Checks that {@code left} and {@code right} are both lists or both single entities: a list side is compared
   * row by row with a list on the other side.
   */
  public static void validatePair(SideSpec left, SideSpec right) {
    if (left != null && right != null && left.isList() != right.isList()) {
      throw new ValidationException((left.isList() ? "right" : "left") + ".list", "both sides must be lists or neither",
          "left.list is " + left.isList() + ", right.list is " + right.isList());
    }
  }

  private static void validateSql(SqlDialect dialect, SideSpec spec, String prefix) {
    if (isBlank(spec.table())) throw new ValidationException(prefix + "table", "is required");
    if (!SqlNames.isTableName(spec.table())) {
      throw new ValidationException(prefix + "table", "is not a valid table name", "use table or db.table, letters, digits, _ and $");
    }
    if (isBlank(spec.where())) throw new ValidationException(prefix + "where", "is required");
    try {
      dialect.parseWhere(spec.where());
    } catch (SqlWhere.InvalidWhereException e) {
      throw new ValidationException(prefix + "where", e.getMessage());
    }
    if (spec.fields().isEmpty()) throw new ValidationException(prefix + "fields", "needs at least one field");
    for (int i = 0; i < spec.fields().size(); i++) {
      if (!SqlNames.isIdentifier(spec.fields().get(i))) {
        throw new ValidationException(prefix + "fields[" + i + "]", "is not a valid column name",
            "letters, digits, _ and $, not starting with a digit");
      }
    }
    if (spec.isList()) {
      if (isBlank(spec.rowKey())) {
        throw new ValidationException(prefix + "rowKey", "is required for a list side", "the column that identifies a row");
      }
      if (!SqlNames.isIdentifier(spec.rowKey())) throw new ValidationException(prefix + "rowKey", "is not a valid column name");
    } else if (spec.rowKey() != null) {
      throw new ValidationException(prefix + "rowKey", "applies only with list: true");
    }
  }

  private static void validateRedis(SideSpec spec, String prefix) {
    if (isBlank(spec.key())) throw new ValidationException(prefix + "key", "is required");
    if (spec.valueType() == null) throw new ValidationException(prefix + "valueType", "is required", "STRING, JSON or HASH");
    if (!isBlank(spec.jsonPath())) {
      if (spec.valueType() != ValueType.JSON) {
        throw new ValidationException(prefix + "jsonPath", "applies only to valueType JSON");
      }
      validateJsonPath(spec.jsonPath(), prefix);
    }
  }

  private static void validateHttp(SideSpec spec, String prefix) {
    if (isBlank(spec.url())) throw new ValidationException(prefix + "url", "is required");
    String method = isBlank(spec.method()) ? "GET" : spec.method().trim().toUpperCase(Locale.ROOT);
    if (!method.equals("GET") && !method.equals("POST")) {
      throw new ValidationException(prefix + "method", "must be GET or POST");
    }
    if (!isBlank(spec.body()) && !method.equals("POST")) {
      throw new ValidationException(prefix + "body", "is sent only with POST");
    }
    String url = spec.url().trim();
    if (url.contains("://") && !url.regionMatches(true, 0, "http://", 0, 7) && !url.regionMatches(true, 0, "https://", 0, 8)) {
      throw new ValidationException(prefix + "url", "must be http(s) or relative to the data source's baseUrl");
    }
    if (!isBlank(spec.jsonPath())) validateJsonPath(spec.jsonPath(), prefix);
  }

  /**
   * index (a valid index name, no wildcard or list: one document is read), exactly one of id and query,
   * and none of the fields of other kinds. The query is a JSON object by type (Jackson refuses anything else).
   */
  private static void validateElasticsearch(SideSpec spec, String prefix) {
    if (isBlank(spec.index())) throw new ValidationException(prefix + "index", "is required");
    if (!isIndexName(spec.index())) {
      throw new ValidationException(prefix + "index", "is not a valid index name",
          "lowercase, not starting with -, _ or +, none of \\ / * ? \" < > | , # : or space, at most 255 bytes");
    }
    boolean hasId = !isBlank(spec.id());
    boolean hasQuery = spec.query() != null;
    if (hasId == hasQuery) throw new ValidationException(prefix + "id", "give exactly one of id and query");
    if (hasQuery && spec.query().isEmpty()) throw new ValidationException(prefix + "query", "is an empty object");
    String[][] foreign = {{"table", spec.table()}, {"where", spec.where()}, {"key", spec.key()}, {"url", spec.url()},
        {"method", spec.method()}, {"body", spec.body()}, {"jsonPath", spec.jsonPath()}, {"rowKey", spec.rowKey()}};
    for (String[] field : foreign) {
      if (field[1] != null) throw new ValidationException(prefix + field[0], "does not apply to an Elasticsearch side");
    }
    if (spec.valueType() != null) throw new ValidationException(prefix + "valueType", "does not apply to an Elasticsearch side");
    if (spec.isList()) throw new ValidationException(prefix + "list", "is not supported for an Elasticsearch side");
    for (int i = 0; i < spec.fields().size(); i++) {
      String field = spec.fields().get(i);
      if (isBlank(field) || field.contains(",")) {
        throw new ValidationException(prefix + "fields[" + i + "]", "is not a field name", "not empty, no comma");
      }
    }
  }

  /** Elasticsearch's rules for an index name (also OpenSearch's); aliases follow them too. */
  static boolean isIndexName(String name) {
    if (name.equals(".") || name.equals("..") || name.getBytes(StandardCharsets.UTF_8).length > 255) return false;
    if (!name.equals(name.toLowerCase(Locale.ROOT))) return false;
    if (name.startsWith("-") || name.startsWith("_") || name.startsWith("+")) return false;
    for (char c : name.toCharArray()) {
      if ("\\/*?\"<>|, #:".indexOf(c) >= 0 || Character.isISOControl(c)) return false;
    }
    return true;
  }

  private static void validateJsonPath(String path, String prefix) {
    try {
      JsonPath.parse(path);
    } catch (IllegalArgumentException e) {
      throw new ValidationException(prefix + "jsonPath", "is not a valid JSON path", e.getMessage());
    }
  }

  private static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }
}
