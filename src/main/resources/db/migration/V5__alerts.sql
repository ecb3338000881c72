-- Alert channels: configuration documents like data sources (the url, a secret, only in body).
CREATE TABLE alert_channels (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  kind VARCHAR(20) NOT NULL,
  body MEDIUMTEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- Failures of a task not yet in an alert message, counted in the transaction that records them. One row per
-- task; window_start: start of the window of the first failure counted since the last message. The sender takes
-- the count under the row's lock and subtracts it, so every failure is in exactly one message.
CREATE TABLE alert_pending (
  task_id VARCHAR(64) NOT NULL PRIMARY KEY,
  window_start BIGINT NOT NULL,
  window_ms BIGINT NOT NULL,
  fail_count BIGINT NOT NULL
);
-- One message per task, window and channel (the unique key makes a second one impossible); due_at: when the
-- next send is due; a node that takes a row moves due_at past the send's time-out.
CREATE TABLE alert_deliveries (
  id VARCHAR(40) NOT NULL PRIMARY KEY,
  channel_id VARCHAR(64) NOT NULL,
  task_id VARCHAR(64) NOT NULL,
  window_start BIGINT NOT NULL,
  window_end BIGINT NOT NULL,
  fail_count BIGINT NOT NULL,
  status VARCHAR(8) NOT NULL,
  attempts INT NOT NULL,
  due_at BIGINT NOT NULL,
  last_error VARCHAR(500),
  sent_at BIGINT,
  body MEDIUMTEXT NOT NULL
);
CREATE UNIQUE INDEX uk_alert_deliveries_window ON alert_deliveries (task_id, window_start, channel_id);
CREATE INDEX ix_alert_deliveries_due ON alert_deliveries (status, due_at);
CREATE INDEX ix_alert_deliveries_channel ON alert_deliveries (channel_id, id);
