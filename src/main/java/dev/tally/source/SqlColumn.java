package dev.tally.source;

import java.util.Locale;
import java.util.Set;

/**
 * A table column as information_schema.COLUMNS describes it: {@code dataType} is DATA_TYPE ("bigint"),
 * {@code columnType} is COLUMN_TYPE ("bigint(20) unsigned", "tinyint(1)").
 */
public record SqlColumn(String name, String dataType, String columnType) {
  private static final Set<String> INTEGERS = Set.of("tinyint", "smallint", "mediumint", "int", "integer", "bigint", "year", "bit");
  private static final Set<String> DECIMALS = Set.of("decimal", "numeric", "float", "double", "real");
  private static final Set<String> TEMPORALS = Set.of("date", "datetime", "timestamp", "time");

  public SqlColumn {
    dataType = dataType == null ? "" : dataType.toLowerCase(Locale.ROOT);
    columnType = columnType == null ? dataType : columnType.toLowerCase(Locale.ROOT);
  }

  public boolean isInteger() {
    return INTEGERS.contains(dataType);
  }

  public boolean isDecimal() {
    return DECIMALS.contains(dataType);
  }

  public boolean isTemporal() {
    return TEMPORALS.contains(dataType);
  }

  /** MySQL JSON, or MariaDB's alias (LONGTEXT with a json_valid check, reported as "longtext"). */
  public boolean isJson() {
    return dataType.equals("json");
  }
}
