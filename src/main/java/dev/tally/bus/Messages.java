package dev.tally.bus;

import dev.tally.model.Event;
import dev.tally.model.Job;
import dev.tally.model.Task;
import java.util.List;

/** The records sent over the event bus (see {@link Addresses} for who sends what where). */
public final class Messages {
  private Messages() {
  }

  public record IngestRequest(String eventSourceId, List<Event> events) {
  }

  public record IngestReply(List<String> eventIds, int jobs, List<Warning> warnings) {
  }

  /** An accepted event that one task cannot use as it is (its check will end as an ERROR). */
  public record Warning(String field, String error, String taskId) {
  }

  /** Check task {@code taskId} once more on {@code event} (a stored result's), as the new event {@code eventId}. */
  public record RerunRequest(String taskId, Event event, String eventId) {
  }

  public record RerunReply(String jobId, String eventId) {
  }

  public record JobBatch(List<Job> jobs) {
  }

  public record JobChecked(String jobId) {
  }

  public record JobFinished(String jobId) {
  }

  public record TryRequest(Task task, Event event) {
  }

  public record ConfigChanged(String kind, String id) {
  }

  /** Every message type, for codec registration. */
  public static final List<Class<?>> TYPES = List.of(IngestRequest.class, IngestReply.class, JobBatch.class,
      JobChecked.class, JobFinished.class, TryRequest.class, RerunRequest.class, RerunReply.class, ConfigChanged.class, Job.class, dev.tally.model.Result.class,
      dev.tally.store.ResultRepository.Completion.class);
}
