package dev.tally.ingest.format;

import java.util.List;

/**
 * Decodes one message value of a CDC tool into row changes. Stateless and thread-safe.
 *
 * <p>Contract: returns the row changes in the message in order; an empty list for messages that carry no
 * row change (tombstones, DDL, heartbeats, transaction markers); throws {@link MalformedEventException} with a
 * reason a human can act on when the payload is not a valid message of this format. Never throws anything else.
 */
public interface EventFormat {
  /** DEBEZIUM, CANAL, MAXWELL or NATIVE. */
  String name();

  List<RowChange> parse(byte[] payload);
}
