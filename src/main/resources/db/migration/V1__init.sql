-- One schema for H2 (MODE=MySQL) and MySQL/MariaDB. Configuration objects are JSON documents with the
-- columns needed for lookups alongside.
CREATE TABLE data_sources (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  kind VARCHAR(20) NOT NULL,
  body MEDIUMTEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE event_sources (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  kind VARCHAR(20) NOT NULL,
  body MEDIUMTEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE tasks (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  kind VARCHAR(20) NOT NULL,
  event_source_id VARCHAR(64) NOT NULL,
  body MEDIUMTEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX ix_tasks_event_source ON tasks (event_source_id);
-- Every job waiting or under check; deleted in the same transaction that records its final result.
CREATE TABLE jobs (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  task_id VARCHAR(64) NOT NULL,
  attempt INT NOT NULL,
  due_at BIGINT NOT NULL,
  body MEDIUMTEXT NOT NULL
);
CREATE INDEX ix_jobs_due ON jobs (due_at);
-- FAIL and ERROR results in full; ids are time-ordered, so ORDER BY id DESC is newest first.
CREATE TABLE results (
  id VARCHAR(40) NOT NULL PRIMARY KEY,
  task_id VARCHAR(64) NOT NULL,
  event_id VARCHAR(128) NOT NULL,
  attempt INT NOT NULL,
  status VARCHAR(8) NOT NULL,
  entity_key VARCHAR(255) NOT NULL,
  created_at BIGINT NOT NULL,
  body MEDIUMTEXT NOT NULL
);
CREATE UNIQUE INDEX uk_results_verdict ON results (event_id, task_id, attempt);
CREATE INDEX ix_results_task ON results (task_id, id);
CREATE INDEX ix_results_created ON results (created_at);
-- Verdict counts per task per minute (epoch minute); PASS is only counted here.
CREATE TABLE result_counts (
  task_id VARCHAR(64) NOT NULL,
  bucket_minute BIGINT NOT NULL,
  pass_count BIGINT NOT NULL,
  fail_count BIGINT NOT NULL,
  error_count BIGINT NOT NULL,
  PRIMARY KEY (task_id, bucket_minute)
);
