-- Reports: PASS/FAIL/ERROR per task rolled up by day, ISO week (Monday, UTC) and month (UTC) from the per-minute
-- counters in result_counts. A period is rolled once it has ended; rolled_until is where each period's rollups stop
-- (the minute counters from there on are still read directly, and only minutes before it are ever pruned).
CREATE TABLE report_rollups (
  period VARCHAR(8) NOT NULL,
  task_id VARCHAR(64) NOT NULL,
  period_start BIGINT NOT NULL,
  pass_count BIGINT NOT NULL,
  fail_count BIGINT NOT NULL,
  error_count BIGINT NOT NULL,
  rolled_at BIGINT NOT NULL,
  PRIMARY KEY (period, task_id, period_start)
);
CREATE INDEX ix_report_rollups_start ON report_rollups (period, period_start);

CREATE TABLE report_watermarks (
  period VARCHAR(8) NOT NULL PRIMARY KEY,
  rolled_until BIGINT NOT NULL
);

-- reports across all tasks and the pruning of old minutes read result_counts by minute alone
CREATE INDEX ix_result_counts_minute ON result_counts (bucket_minute);
