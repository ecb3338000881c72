package dev.tally.ingest;

import dev.tally.ingest.format.EventFormat;
import dev.tally.ingest.format.EventFormats;
import dev.tally.ingest.format.MalformedEventException;
import dev.tally.ingest.format.RowChange;
import dev.tally.model.DeadLetter;
import dev.tally.model.Event;
import dev.tally.model.EventSource;
import dev.tally.model.Ids;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns Kafka messages into events of BINLOG event sources, matched by topic and then by database + table.
 * A message that cannot be parsed or matched becomes a dead letter; it never stops the rest.
 */
public final class RecordRouter {
  /** One consumed message. */
  public record Message(String topic, int partition, long offset, long timestamp, byte[] value) {
  }

  /** Events per event source id, in message order, and the dead letters. */
  public record Routed(Map<String, List<Event>> events, List<DeadLetter> deadLetters) {
    public int eventCount() {
      return events.values().stream().mapToInt(List::size).sum();
    }
  }

  private record Candidate(EventSource source, Pattern topicPattern) {
    boolean reads(String topic) {
      return topicPattern != null ? topicPattern.matcher(topic).matches() : topic.equals(source.topic());
    }
  }

  private final List<Candidate> candidates = new ArrayList<>();

  public RecordRouter(List<EventSource> sources) {
    for (EventSource s : sources) {
      if (!s.isKafka() || s.topic() == null) continue;
      candidates.add(new Candidate(s, s.topicPattern() ? compile(s.topic()) : null));
    }
  }

  /** The subscription: every topic, or topic pattern, that some event source reads; null when none. */
  public Pattern subscription() {
    if (candidates.isEmpty()) return null;
    Set<String> parts = new LinkedHashSet<>();
    for (Candidate c : candidates) parts.add(c.topicPattern() != null ? "(?:" + c.source().topic() + ")" : Pattern.quote(c.source().topic()));
    return Pattern.compile(String.join("|", parts));
  }

  public Routed route(List<Message> messages, long now) {
    Map<String, List<Event>> events = new LinkedHashMap<>();
    List<DeadLetter> dead = new ArrayList<>();
    for (Message m : messages) {
      try {
        routeOne(m, now, events);
      } catch (MalformedEventException | Unmatched e) {
        dead.add(new DeadLetter(deadLetterId(m), "kafka", m.topic(), m.partition(), m.offset(), e.getMessage(),
            DeadLetter.head(m.value()), now));
      }
    }
    return new Routed(events, dead);
  }

  private void routeOne(Message m, long now, Map<String, List<Event>> into) {
    List<Candidate> readers = candidates.stream().filter(c -> c.reads(m.topic())).toList();
    if (readers.isEmpty()) throw new Unmatched("no event source reads topic " + m.topic());
    if (m.value() == null || m.value().length == 0) return; // a tombstone: nothing changed
    // event sources of one topic usually share a format; if not, the first that parses wins
    MalformedEventException firstProblem = null;
    for (String format : readers.stream().map(c -> c.source().format()).distinct().toList()) {
      List<RowChange> changes;
      try {
        changes = formatOf(format).parse(m.value());
      } catch (MalformedEventException e) {
        if (firstProblem == null) firstProblem = new MalformedEventException(format + ": " + e.getMessage());
        continue;
      }
      List<Candidate> sameFormat = readers.stream().filter(c -> c.source().format().equals(format)).toList();
      List<Event> matched = new ArrayList<>(changes.size());
      List<String> matchedSources = new ArrayList<>(changes.size());
      for (int i = 0; i < changes.size(); i++) {
        RowChange change = changes.get(i);
        EventSource source = match(change, sameFormat);
        String id = change.id() != null ? change.id() : m.topic() + "-" + m.partition() + "-" + m.offset() + (changes.size() > 1 ? "#" + i : "");
        long occurredAt = change.occurredAt() != null ? change.occurredAt() : m.timestamp();
        matched.add(new Event(id, source.id(), change.op(), change.data(), change.before(), occurredAt, now));
        matchedSources.add(source.id());
      }
      for (int i = 0; i < matched.size(); i++) into.computeIfAbsent(matchedSources.get(i), k -> new ArrayList<>()).add(matched.get(i));
      return;
    }
    throw firstProblem;
  }

  private static EventSource match(RowChange change, List<Candidate> sameFormat) {
    if (change.database() == null && change.table() == null) {
      if (sameFormat.size() == 1) return sameFormat.get(0).source();
      throw new Unmatched("message names no database/table and " + sameFormat.size() + " event sources read this topic");
    }
    for (Candidate c : sameFormat) {
      if (same(c.source().database(), change.database()) && same(c.source().table(), change.table())) return c.source();
    }
    throw new Unmatched("no event source for " + change.database() + "." + change.table());
  }

  private static boolean same(String configured, String actual) {
    return configured != null && actual != null && configured.toLowerCase(Locale.ROOT).equals(actual.toLowerCase(Locale.ROOT));
  }

  private static EventFormat formatOf(String name) {
    try {
      return EventFormats.of(name);
    } catch (IllegalArgumentException e) {
      throw new MalformedEventException("unknown format " + name);
    }
  }

  private static Pattern compile(String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      return Pattern.compile(Pattern.quote(regex));
    }
  }

  /** Stable per message: a replay updates the same dead letter instead of adding one. */
  private static String deadLetterId(Message m) {
    return Ids.hashed("kafka:" + m.topic() + ":" + m.partition(), String.valueOf(m.offset()));
  }

  /** A parsed message that belongs to no event source. */
  static final class Unmatched extends RuntimeException {
    Unmatched(String message) {
      super(message);
    }
  }
}
