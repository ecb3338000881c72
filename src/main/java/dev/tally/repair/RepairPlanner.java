package dev.tally.repair;

import dev.tally.compare.FieldLookup;
import dev.tally.model.DataSourceKind;
import dev.tally.model.Diff;
import dev.tally.model.Event;
import dev.tally.model.FieldPair;
import dev.tally.model.Json;
import dev.tally.model.RepairPlan;
import dev.tally.model.RepairPlan.Operation;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import dev.tally.model.Task;
import dev.tally.model.ValueType;
import dev.tally.source.JsonPath;
import dev.tally.source.SqlNames;
import dev.tally.source.SqlWhere;
import dev.tally.source.Template;
import dev.tally.source.TemplateValues;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * From a FAIL (the task, the event, both sides as read and the diffs) derives the write that would make the right
 * side equal the left. Plain Java. Every value is a bound value of its operation, never part of its text. Where
 * no repair can be derived (an HTTP side, a list side, a field that is not a plain column, a document found by
 * a query), the plan carries the reason instead of a guess.
 */
public final class RepairPlanner {
  private static final Pattern EQUALITY = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_$]*)\\s*=\\s*\\?\\s*");
  private static final Pattern AND = Pattern.compile("\\s+AND\\s+", Pattern.CASE_INSENSITIVE);
  private static final Pattern SIMPLE_PATH = Pattern.compile("\\$?\\.?[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

  /** What the right side must become: fields to set (right name → left value) and fields to remove. */
  private record Changes(Map<String, Object> set, List<String> remove) {
  }

  /** No repair can be derived; the message is the plan's reason. */
  private static final class NoRepair extends RuntimeException {
    NoRepair(String reason) {
      super(reason, null, false, false);
    }
  }

  private RepairPlanner() {
  }

  /** The plan for a FAIL whose right side is a data source of {@code rightKind}. */
  public static RepairPlan plan(Task task, DataSourceKind rightKind, Event event, SideRead left, SideRead right,
                                List<Diff> diffs) {
    return plan(task, rightKind, event, left, right, diffs, false, null);
  }

  /**
   * The same, given the whole value of the right side's Redis key when {@code valueRead} ({@code rightValue}, null
   * when the key is absent): a JSON side whose entity sits at a jsonPath inside that value is repaired by
   * rewriting the whole value, the rest of it kept.
   */
  public static RepairPlan plan(Task task, DataSourceKind rightKind, Event event, SideRead left, SideRead right,
                                List<Diff> diffs, boolean valueRead, String rightValue) {
    SideSpec spec = task.right();
    String dataSourceId = spec == null ? null : spec.dataSourceId();
    try {
      if (spec == null || rightKind == null) throw new NoRepair("the task has no right side to repair");
      if (spec.isList() || (task.left() != null && task.left().isList()) || left.rows() != null || right.rows() != null) {
        throw new NoRepair("list sides are compared as sets of rows: no single write is derived");
      }
      Diff entity = diffs.stream().filter(d -> Diff.MISSING.equals(d.kind()) && d.field() == null).findFirst().orElse(null);
      boolean create = entity != null && "right".equals(entity.side());
      boolean delete = entity != null && "left".equals(entity.side());
      Changes changes = create ? created(task, left) : changes(diffs);
      List<Operation> ops = switch (rightKind) {
        case MYSQL, POSTGRES -> sql(rightKind, spec, right, changes, create, delete);
        case REDIS -> redis(spec, event, right, changes, create, delete, valueRead, rightValue);
        case ELASTICSEARCH -> elasticsearch(spec, event, right, changes, create, delete);
        case HTTP -> throw new NoRepair("the right side is an HTTP API: which call would change it is not known");
      };
      if (ops.isEmpty()) throw new NoRepair("no difference that a write could remove");
      return RepairPlan.of(rightKind, dataSourceId, ops);
    } catch (NoRepair e) {
      return RepairPlan.none(rightKind, dataSourceId, e.getMessage());
    }
  }

  /** Every compared field of the left entity, under its right name. */
  private static Changes created(Task task, SideRead left) {
    Map<String, Object> set = new LinkedHashMap<>();
    for (FieldPair pair : task.compare()) {
      FieldLookup.Found found = FieldLookup.find(left.values(), pair.left());
      if (found.present()) set.put(pair.right(), found.value());
    }
    return new Changes(set, List.of());
  }

  private static Changes changes(List<Diff> diffs) {
    Map<String, Object> set = new LinkedHashMap<>();
    List<String> remove = new ArrayList<>();
    for (Diff d : diffs) {
      if (d.field() == null) continue;
      String field = d.rightField() == null ? d.field() : d.rightField();
      if (Diff.MISSING.equals(d.kind()) && "left".equals(d.side())) {
        remove.add(field);
      } else {
        set.put(field, d.leftValue());
      }
    }
    return new Changes(set, remove);
  }

  // ---------------------------------------------------------------- SQL

  private static List<Operation> sql(DataSourceKind kind, SideSpec spec, SideRead right, Changes changes,
                                     boolean create, boolean delete) {
    if (!SqlNames.isTableName(spec.table())) throw new NoRepair("table '" + spec.table() + "' is not a valid name");
    SqlWhere where;
    try {
      where = SqlWhere.parse(spec.where());
    } catch (IllegalArgumentException e) {
      throw new NoRepair("the right side's where " + e.getMessage());
    }
    if (right.params().size() != where.params().size()) {
      throw new NoRepair("the values bound to the right side's WHERE are not known");
    }
    boolean postgres = kind == DataSourceKind.POSTGRES;
    String table = postgres ? quotePg(spec.table()) : SqlNames.quoteTable(spec.table());
    if (delete) {
      return List.of(new Operation("DELETE", numbered(postgres, "DELETE FROM " + table + " WHERE (" + where.sql() + ")"),
          right.params()));
    }
    if (!changes.remove().isEmpty()) {
      throw new NoRepair("the left side has no field '" + changes.remove().get(0) + "': a column cannot be removed");
    }
    for (String column : changes.set().keySet()) column(spec, column);
    if (create) return List.of(insert(postgres, table, spec, where, right, changes));
    List<String> sets = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    changes.set().forEach((column, value) -> {
      sets.add(quote(postgres, column(spec, column)) + " = ?");
      values.add(value);
    });
    values.addAll(right.params());
    return List.of(new Operation("UPDATE",
        numbered(postgres, "UPDATE " + table + " SET " + String.join(", ", sets) + " WHERE (" + where.sql() + ")"), values));
  }

  /** The row to insert: the compared columns, plus the key columns the WHERE pins ({@code col = #{var} AND ...}). */
  private static Operation insert(boolean postgres, String table, SideSpec spec, SqlWhere where, SideRead right,
                                  Changes changes) {
    Map<String, Object> row = new LinkedHashMap<>();
    changes.set().forEach((column, value) -> row.put(column(spec, column), value));
    String[] terms = AND.split(stripParentheses(where.sql()));
    for (int i = 0; i < terms.length; i++) {
      var m = EQUALITY.matcher(terms[i]);
      if (terms.length != where.params().size() || !m.matches()) {
        throw new NoRepair("the right row is missing and its WHERE is not 'column = #{var} AND ...': the row to insert is not known");
      }
      boolean known = row.keySet().stream().anyMatch(c -> c.equalsIgnoreCase(m.group(1)));
      if (!known) row.put(m.group(1), right.params().get(i));
    }
    List<String> columns = row.keySet().stream().map(c -> quote(postgres, c)).toList();
    String marks = String.join(", ", java.util.Collections.nCopies(columns.size(), "?"));
    return new Operation("INSERT", numbered(postgres, "INSERT INTO " + table + " (" + String.join(", ", columns)
        + ") VALUES (" + marks + ")"), new ArrayList<>(row.values()));
  }

  /** The right field as a column the side reads; anything else (a path, a computed value) has no column to write. */
  private static String column(SideSpec spec, String field) {
    for (String f : spec.fields()) {
      if (f.equalsIgnoreCase(field) && SqlNames.isIdentifier(f)) return f;
    }
    throw new NoRepair("field '" + field + "' is not a column the right side reads (a computed or nested field)");
  }

  private static String stripParentheses(String sql) {
    String s = sql.trim();
    while (s.startsWith("(") && s.endsWith(")") && s.indexOf(')') == s.length() - 1) s = s.substring(1, s.length() - 1).trim();
    return s;
  }

  private static String quote(boolean postgres, String identifier) {
    return postgres ? quotePg(identifier) : SqlNames.quote(identifier);
  }

  private static String quotePg(String name) {
    if (!SqlNames.isTableName(name)) throw new NoRepair("'" + name + "' is not a valid name");
    List<String> parts = new ArrayList<>();
    for (String part : name.split("\\.")) parts.add('"' + part + '"');
    return String.join(".", parts);
  }

  /** PostgreSQL numbers its parameters ($1, $2, ...); the WHERE text admits no other '?' (see SqlWhere). */
  private static String numbered(boolean postgres, String sql) {
    if (!postgres) return sql;
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (char c : sql.toCharArray()) {
      if (c == '?') sb.append('$').append(++n);
      else sb.append(c);
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- Redis

  private static List<Operation> redis(SideSpec spec, Event event, SideRead right, Changes changes, boolean create,
                                       boolean delete, boolean valueRead, String rightValue) {
    String key = right.params().isEmpty() ? render(spec.key(), event) : String.valueOf(right.params().get(0));
    if (delete) return List.of(new Operation("DEL", "DEL ?", List.of(key)));
    ValueType type = spec.valueType() == null ? ValueType.STRING : spec.valueType();
    return switch (type) {
      case STRING -> {
        if (!changes.set().containsKey("$")) {
          throw new NoRepair("a STRING value is the field '$'; no field pair compares it, so its value is not known");
        }
        yield List.of(new Operation("SET", "SET ? ?", List.of(key, text(changes.set().get("$")))));
      }
      case HASH -> hash(key, changes);
      case JSON -> {
        JsonPath path;
        try {
          path = JsonPath.parse(spec.jsonPath());
        } catch (IllegalArgumentException e) {
          throw new NoRepair(e.getMessage());
        }
        if (!path.isRoot() && !valueRead) {
          throw new NoRepair("the entity is at jsonPath " + path + " inside the value of " + key
              + ", and that value was not read: rewriting it needs the rest of it");
        }
        Object document = path.isRoot() ? (create ? new LinkedHashMap<>() : deepCopy(right.values()))
            : enclosing(key, path, rightValue);
        Map<String, Object> entity = path.isRoot() ? asObject(document) : entityAt(document, path, key);
        if (create) entity.clear();
        changes.set().forEach((field, value) -> put(entity, field, value));
        changes.remove().forEach(field -> remove(entity, field));
        yield List.of(new Operation("SET", "SET ? ?", List.of(key, Json.write(document))));
      }
    };
  }

  private static List<Operation> hash(String key, Changes changes) {
    List<Operation> ops = new ArrayList<>();
    List<Object> set = new ArrayList<>(List.of(key));
    List<Object> removed = new ArrayList<>(List.of(key));
    changes.set().forEach((field, value) -> {
      if (value == null) {
        removed.add(field);
      } else {
        set.add(field);
        set.add(text(value));
      }
    });
    removed.addAll(changes.remove());
    if (set.size() > 1) ops.add(new Operation("HSET", "HSET ?" + " ? ?".repeat((set.size() - 1) / 2), set));
    if (removed.size() > 1) ops.add(new Operation("HDEL", "HDEL ?" + " ?".repeat(removed.size() - 1), removed));
    return ops;
  }

  /** The whole value at the key (a new object when there is none), into which the entity at {@code path} goes. */
  private static Object enclosing(String key, JsonPath path, String rightValue) {
    if (rightValue == null) return new LinkedHashMap<String, Object>();
    try {
      return Json.MAPPER.readValue(rightValue, Object.class);
    } catch (java.io.IOException e) {
      throw new NoRepair("the value of " + key + " is not JSON: a value around the entity at " + path + " is not derived");
    }
  }

  /** The entity object at {@code path} in the document, created along a path of member names when absent. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> entityAt(Object document, JsonPath path, String key) {
    java.util.Optional<Object> found = path.select(document);
    if (found.isPresent()) return asObject(found.get());
    String text = path.toString();
    if (!SIMPLE_PATH.matcher(text).matches() || !(document instanceof Map<?, ?>)) {
      throw new NoRepair("the value of " + key + " has no entity at " + text + ": where to put one is not derived");
    }
    Map<String, Object> current = (Map<String, Object>) document;
    for (String name : text.replaceFirst("^\\$?\\.?", "").split("\\.")) {
      Object next = current.get(name);
      if (next != null && !(next instanceof Map<?, ?>)) {
        throw new NoRepair("the value of " + key + " has a non-object at '" + name + "' on the way to " + text);
      }
      if (next == null) {
        next = new LinkedHashMap<String, Object>();
        current.put(name, next);
      }
      current = (Map<String, Object>) next;
    }
    return current;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asObject(Object entity) {
    if (entity instanceof Map<?, ?> map) return (Map<String, Object>) map;
    throw new NoRepair("the entity is not a JSON object: its fields cannot be set");
  }

  /** Redis holds text: a number in its plain form (12.50, not 1.250E+1), a structure as JSON. */
  private static String text(Object value) {
    if (value == null) return "";
    if (value instanceof BigDecimal d) return d.toPlainString();
    if (value instanceof Map<?, ?> || value instanceof List<?>) return Json.write(value);
    return String.valueOf(value);
  }

  // ---------------------------------------------------------------- Elasticsearch

  private static List<Operation> elasticsearch(SideSpec spec, Event event, SideRead right, Changes changes,
                                               boolean create, boolean delete) {
    if (spec.id() == null || spec.id().isBlank()) {
      throw new NoRepair("the right document is found by a query: which document id to write is not known");
    }
    String index = render(spec.index(), event);
    String id = render(spec.id(), event);
    if (delete) return List.of(new Operation("DELETE_DOC", "DELETE /?/_doc/?", List.of(index, id)));
    if (create || spec.fields().isEmpty()) {
      // the whole _source was read (or there is none yet): index the corrected document
      Map<String, Object> document = create ? new LinkedHashMap<>() : deepCopy(right.values());
      changes.set().forEach((field, value) -> put(document, field, value));
      changes.remove().forEach(field -> remove(document, field));
      return List.of(new Operation("INDEX", "PUT /?/_doc/? ?", List.of(index, id, document)));
    }
    // only some fields were read: a partial update leaves the others alone
    if (!changes.remove().isEmpty()) {
      throw new NoRepair("the left side has no field '" + changes.remove().get(0)
          + "' and the side reads only some fields: removing it would need the whole document");
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    changes.set().forEach((field, value) -> put(doc, field, value));
    return List.of(new Operation("UPDATE_DOC", "POST /?/_update/? ?", List.of(index, id, Map.of("doc", doc))));
  }

  // ---------------------------------------------------------------- documents

  private static String render(String template, Event event) {
    try {
      Template t = Template.parse(template);
      TemplateValues.requirePresent(t, event.data());
      return t.render(event.data(), TemplateValues::plain);
    } catch (RuntimeException e) {
      throw new NoRepair("cannot render '" + template + "' from the event: " + e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Map<String, Object> values) {
    Map<String, Object> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(k, v instanceof Map<?, ?> m ? deepCopy((Map<String, Object>) m) : v));
    return copy;
  }

  /** Sets a field: an existing key as it is, else a dotted path into (or creating) nested objects. */
  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> document, String field, Object value) {
    if (document.containsKey(field) || field.indexOf('.') < 0) {
      document.put(field, value);
      return;
    }
    int dot = field.indexOf('.');
    Object child = document.get(field.substring(0, dot));
    if (child != null && !(child instanceof Map<?, ?>)) {
      throw new NoRepair("field '" + field + "' reaches into a value that is not an object");
    }
    Map<String, Object> nested = child == null ? new LinkedHashMap<>() : (Map<String, Object>) child;
    document.put(field.substring(0, dot), nested);
    put(nested, field.substring(dot + 1), value);
  }

  @SuppressWarnings("unchecked")
  private static void remove(Map<String, Object> document, String field) {
    if (document.containsKey(field)) {
      document.remove(field);
      return;
    }
    int dot = field.indexOf('.');
    if (dot > 0 && document.get(field.substring(0, dot)) instanceof Map<?, ?> nested) {
      remove((Map<String, Object>) nested, field.substring(dot + 1));
    }
  }
}
