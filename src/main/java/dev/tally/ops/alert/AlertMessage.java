package dev.tally.ops.alert;

import dev.tally.model.AlertExample;
import java.util.List;

/**
 * What one alert says: {@code count} failures of a task in the window [{@code windowStart}, {@code windowEnd}),
 * up to five of them as examples, and {@code link}, the failure list in the admin console.
 */
public record AlertMessage(String taskId, String taskName, long windowStart, long windowEnd, long count,
                           List<AlertExample> examples, String link) {
  public AlertMessage {
    examples = examples == null ? List.of() : List.copyOf(examples);
  }

  /** The link to a task's failure list under {@code publicUrl}. */
  public static String link(String publicUrl, String taskId) {
    return publicUrl + "/#/discrepancies?taskId=" + java.net.URLEncoder.encode(taskId, java.nio.charset.StandardCharsets.UTF_8);
  }
}
