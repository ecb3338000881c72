package dev.tally.ingest.binlog;

import java.util.Locale;

/**
 * A table column as information_schema.COLUMNS describes it: {@code dataType} is DATA_TYPE ("bigint"),
 * {@code columnType} is COLUMN_TYPE ("bigint(20) unsigned", "enum('Open','Closed')"), kept as the server
 * prints it because ENUM and SET members are case-sensitive text.
 */
public record BinlogColumn(String name, String dataType, String columnType) {
  public BinlogColumn {
    if (name == null) throw new IllegalArgumentException("column name is required");
    dataType = dataType == null ? "" : dataType.toLowerCase(Locale.ROOT);
    columnType = columnType == null ? dataType : columnType;
  }

  /** COLUMN_TYPE in lower case, for type checks ("unsigned", the precision). */
  String columnTypeLower() {
    return columnType.toLowerCase(Locale.ROOT);
  }
}
