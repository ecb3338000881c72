package dev.tally.source;

import java.util.List;

/**
 * What a data source can list for the task form: its tables, keys or indices ({@code names}) and, when one was
 * asked for, that table's columns or that index's fields ({@code members}, null when not asked). Bounded: a
 * {@code truncated} catalog left names out. A kind that cannot list anything answers {@link #unsupported}.
 */
public record Catalog(boolean supported, String reason, List<Entry> names, List<Entry> members, boolean truncated) {
  /** The most tables or indices a catalog lists. */
  public static final int MAX_NAMES = 500;

  /** One table, key, index, column or field; {@code type} is null when the source does not say. */
  public record Entry(String name, String type) {
  }

  public Catalog {
    names = names == null ? List.of() : List.copyOf(names);
    members = members == null ? null : List.copyOf(members);
  }

  public static Catalog of(List<Entry> names, List<Entry> members, boolean truncated) {
    return new Catalog(true, null, names, members, truncated);
  }

  public static Catalog unsupported(String reason) {
    return new Catalog(false, reason, List.of(), null, false);
  }
}
