-- Callbacks still to be made for a recorded result (and the repair Tally applies itself, when a task asks for
-- it). A row is written in the transaction that records its result and deleted once the callback succeeded or
-- ran out of attempts, so a restart loses none. due_at: when the next call is due; a node that takes a row
-- moves due_at past the call's time-out, so no other node makes the same call meanwhile.
CREATE TABLE pending_callbacks (
  result_id VARCHAR(40) NOT NULL PRIMARY KEY,
  task_id VARCHAR(64) NOT NULL,
  attempt INT NOT NULL,
  due_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX ix_pending_callbacks_due ON pending_callbacks (due_at);
