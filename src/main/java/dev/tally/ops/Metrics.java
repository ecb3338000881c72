package dev.tally.ops;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Counters and gauges of one node, rendered in the Prometheus text format at {@code /metrics}. Names are
 * namespaced {@code tally_*}; a label set is part of a counter's identity.
 */
public final class Metrics {
  private record Key(String name, String labels) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int byName = name.compareTo(o.name);
      return byName != 0 ? byName : labels.compareTo(o.labels);
    }
  }

  private final ConcurrentHashMap<Key, LongAdder> counters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Key, LongSupplier> gauges = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> help = new ConcurrentHashMap<>();

  public void describe(String name, String text) {
    help.put(name, text);
  }

  /** Adds to a counter; labels alternate name, value. */
  public void count(String name, long n, String... labels) {
    counters.computeIfAbsent(new Key(name, labels(labels)), k -> new LongAdder()).add(n);
  }

  public long counter(String name, String... labels) {
    LongAdder a = counters.get(new Key(name, labels(labels)));
    return a == null ? 0 : a.sum();
  }

  public void gauge(String name, LongSupplier value, String... labels) {
    gauges.put(new Key(name, labels(labels)), value);
  }

  public String prometheusText() {
    Map<Key, String> lines = new TreeMap<>();
    counters.forEach((k, v) -> lines.put(k, k.name() + k.labels() + " " + v.sum()));
    gauges.forEach((k, v) -> lines.put(k, k.name() + k.labels() + " " + v.getAsLong()));
    StringBuilder out = new StringBuilder();
    String current = null;
    for (Map.Entry<Key, String> line : lines.entrySet()) {
      String name = line.getKey().name();
      if (!name.equals(current)) {
        current = name;
        if (help.containsKey(name)) out.append("# HELP ").append(name).append(' ').append(help.get(name)).append('\n');
        out.append("# TYPE ").append(name).append(gauges.containsKey(line.getKey()) ? " gauge" : " counter").append('\n');
      }
      out.append(line.getValue()).append('\n');
    }
    return out.toString();
  }

  private static String labels(String... pairs) {
    if (pairs.length == 0) return "";
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      if (i > 0) sb.append(',');
      sb.append(pairs[i]).append("=\"").append(pairs[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
    }
    return sb.append('}').toString();
  }
}
