package dev.tally.ingest.format;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The event formats by name. Formats are stateless: the same instance serves every caller and thread. */
public final class EventFormats {
  /** The known format names, as stored in an event source's settings. */
  public static final List<String> NAMES =
      List.of(DebeziumFormat.NAME, CanalFormat.NAME, MaxwellFormat.NAME, NativeFormat.NAME);

  private static final Map<String, EventFormat> FORMATS = Map.of(
      DebeziumFormat.NAME, new DebeziumFormat(),
      CanalFormat.NAME, new CanalFormat(),
      MaxwellFormat.NAME, new MaxwellFormat(),
      NativeFormat.NAME, new NativeFormat());

  private EventFormats() {
  }

  /**
   * The format of that name, any case, surrounding blanks ignored.
   *
   * @throws IllegalArgumentException for an unknown (or null) name, listing the known ones
   */
  public static EventFormat of(String name) {
    EventFormat format = name == null ? null : FORMATS.get(name.trim().toUpperCase(Locale.ROOT));
    if (format == null) {
      throw new IllegalArgumentException("unknown event format '" + name + "'; known formats: " + String.join(", ", NAMES));
    }
    return format;
  }
}
