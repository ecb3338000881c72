package dev.tally.source;

import java.util.regex.Pattern;

/** SQL identifiers from configuration: checked against a strict pattern, then back-quoted. */
public final class SqlNames {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

  private SqlNames() {
  }

  public static boolean isIdentifier(String name) {
    return name != null && IDENTIFIER.matcher(name).matches();
  }

  /** {@code table} or {@code db.table}, each part an identifier. */
  public static boolean isTableName(String name) {
    if (name == null) return false;
    String[] parts = name.split("\\.", -1);
    if (parts.length > 2) return false;
    for (String part : parts) if (!isIdentifier(part)) return false;
    return true;
  }

  /** The schema of a {@code db.table} name, or null when unqualified. */
  public static String schemaOf(String table) {
    int dot = table.indexOf('.');
    return dot < 0 ? null : table.substring(0, dot);
  }

  public static String tableOf(String table) {
    return table.substring(table.indexOf('.') + 1);
  }

  /** Back-quotes a checked identifier; the pattern admits no back-quote, so no escaping is needed. */
  public static String quote(String identifier) {
    if (!isIdentifier(identifier)) throw new IllegalArgumentException("not an identifier: " + identifier);
    return "`" + identifier + "`";
  }

  public static String quoteTable(String table) {
    if (!isTableName(table)) throw new IllegalArgumentException("not a table name: " + table);
    String schema = schemaOf(table);
    return schema == null ? quote(table) : quote(schema) + "." + quote(tableOf(table));
  }
}
