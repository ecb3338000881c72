package dev.tally.bus;

/** Every event-bus address, in one place. Messages are the records in {@link Messages}. */
public final class Addresses {
  private static final String PREFIX = "tally.";

  /** IngestRequest → IngestReply, answered once the jobs are persisted (dispatcher). */
  public static final String EVENTS_INGEST = PREFIX + "events.ingest";
  /** RerunRequest → RerunReply, answered once the job is persisted: one task once more on a stored event (dispatcher). */
  public static final String JOBS_RERUN = PREFIX + "jobs.rerun";
  /** JobBatch: jobs persisted and to be timed (scheduler). */
  public static final String JOBS_SCHEDULED = PREFIX + "jobs.scheduled";
  /** Job: due now, to be checked (compare verticles, round-robin). */
  public static final String JOBS_DUE = PREFIX + "jobs.due";
  /** JobChecked: a local queue's job was checked and its result goes to the store; its check's place is free (scheduler). */
  public static final String JOBS_CHECKED = PREFIX + "jobs.checked";
  /** JobFinished: a job left the compare stage (final result recorded or rescheduled) (scheduler). */
  public static final String JOBS_FINISHED = PREFIX + "jobs.finished";
  /** Completion → Boolean (recorded now): a job's final result, written in group commits (result writer). */
  public static final String RESULTS_RECORD = PREFIX + "results.record";
  /** TryRequest → Result: run a task once, store nothing (compare verticles). */
  public static final String COMPARE_TRY = PREFIX + "compare.try";
  /** ConfigChanged, published: caches reload. */
  public static final String CONFIG_CHANGED = PREFIX + "config.changed";

  /** (no body), published: a token was revoked or a user, role or team changed; cached callers are forgotten. */
  public static final String AUTH_CHANGED = PREFIX + "auth.changed";

  private Addresses() {
  }
}
