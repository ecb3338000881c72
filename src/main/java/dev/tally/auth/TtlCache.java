package dev.tally.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a key stood for a moment ago, so a busy caller does not cost a store query per request: what a bearer
 * secret stood for (keys are token hashes, never the tokens themselves), or that a task id is unknown. Entries
 * live {@code ttlMs} at most, and {@link #clear} drops them all at once (on revocation, role changes, a reload...).
 */
public final class TtlCache<V> {
  private record Entry<V>(V value, long expiresAt) {
  }

  /** Above this many entries the cache is emptied rather than grown: a flood of distinct keys must not fill memory. */
  private static final int MAX_ENTRIES = 50_000;
  private final long ttlMs;
  private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();

  public TtlCache(long ttlMs) {
    this.ttlMs = ttlMs;
  }

  /** The value cached for {@code key}, or null when there is none or it is older than the TTL. */
  public V get(String key, long now) {
    Entry<V> e = entries.get(key);
    if (e == null) return null;
    if (e.expiresAt() <= now) {
      entries.remove(key, e);
      return null;
    }
    return e.value();
  }

  public void put(String key, V value, long now) {
    if (entries.size() >= MAX_ENTRIES) entries.clear();
    entries.put(key, new Entry<>(value, now + ttlMs));
  }

  public void clear() {
    entries.clear();
  }
}
