package dev.tally.ingest.format;

/** A message that is not valid in its format; the reason goes to the dead-letter record. */
public class MalformedEventException extends RuntimeException {
  public MalformedEventException(String reason) {
    super(reason);
  }

  public MalformedEventException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
