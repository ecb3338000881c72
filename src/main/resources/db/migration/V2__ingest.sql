-- Messages that could not be parsed or matched to an event source: kept with the reason, never blocking.
CREATE TABLE dead_letters (
  id VARCHAR(40) NOT NULL PRIMARY KEY,
  source VARCHAR(200) NOT NULL,
  topic VARCHAR(255),
  kafka_partition INT,
  kafka_offset BIGINT,
  reason VARCHAR(1000) NOT NULL,
  payload_head VARCHAR(2000),
  created_at BIGINT NOT NULL
);
CREATE INDEX ix_dead_letters_created ON dead_letters (created_at);
-- Where each direct binlog reader resumes: the end of the last transaction whose jobs are persisted.
CREATE TABLE binlog_positions (
  event_source_id VARCHAR(64) NOT NULL PRIMARY KEY,
  binlog_file VARCHAR(255) NOT NULL,
  binlog_position BIGINT NOT NULL,
  gtid_set VARCHAR(4000),
  updated_at BIGINT NOT NULL
);
-- Jobs that reached their final result, kept for a while so that a replayed message (Kafka after a crash,
-- a re-sent POST) makes no second verdict.
CREATE TABLE done_jobs (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  finished_at BIGINT NOT NULL
);
CREATE INDEX ix_done_jobs_finished ON done_jobs (finished_at);
