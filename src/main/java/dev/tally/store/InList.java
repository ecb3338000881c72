package dev.tally.store;

import io.vertx.sqlclient.Tuple;
import java.util.Collections;
import java.util.List;

/** {@code AND <column> IN (?, ...)} for a list of values bound as parameters; the column is a constant of this program. */
final class InList {
  private InList() {
  }

  /** The clause (its values added to {@code params}); "" when {@code values} is null (no restriction); never true when empty. */
  static String and(String column, List<String> values, Tuple params) {
    if (values == null) return "";
    if (values.isEmpty()) return " AND 1 = 0";
    values.forEach(params::addString);
    return " AND " + column + " IN (" + String.join(", ", Collections.nCopies(values.size(), "?")) + ")";
  }
}
