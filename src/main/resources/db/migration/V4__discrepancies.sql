-- A discrepancy: the span during which a (task, entity key) disagreed, from the FAIL that opened it to the PASS
-- that closed it. Written in the transaction that records the results (ResultRepository / DiscrepancyRepository).
-- open_slot is 0 while the discrepancy is unclosed and NULL once closed: the unique index on
-- (task_id, entity_key, open_slot) lets any number of closed discrepancies of a key exist (NULLs are distinct in
-- a unique index, on MySQL/MariaDB as on H2) but at most one unclosed, whichever node writes; the FAIL write is
-- an INSERT ... ON DUPLICATE KEY UPDATE on that index, so two nodes opening the same key at once end with one
-- row (the second waits for the first's row lock and then extends it). The index also finds "the unclosed one".
-- Ids are time-ordered by opened_at, so ORDER BY id DESC is newest first.
CREATE TABLE discrepancies (
  id VARCHAR(40) NOT NULL PRIMARY KEY,
  task_id VARCHAR(64) NOT NULL,
  entity_key VARCHAR(255) NOT NULL,
  open_slot TINYINT NULL,
  state VARCHAR(16) NOT NULL,
  opened_at BIGINT NOT NULL,
  last_fail_at BIGINT NOT NULL,
  fail_count INT NOT NULL,
  closed_at BIGINT NULL,
  duration_ms BIGINT NULL,
  closed_by VARCHAR(40) NULL,
  last_result_id VARCHAR(40) NOT NULL,
  comment VARCHAR(2000) NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX uk_discrepancies_unclosed ON discrepancies (task_id, entity_key, open_slot);
CREATE INDEX ix_discrepancies_task ON discrepancies (task_id, id);
CREATE INDEX ix_discrepancies_state ON discrepancies (state, id);
CREATE INDEX ix_discrepancies_key ON discrepancies (entity_key, id);
CREATE INDEX ix_discrepancies_opened ON discrepancies (opened_at);
-- Every change of a discrepancy's state: opened by a FAIL, triaged by an operator (with a comment), closed by
-- a PASS. Oldest first by id.
CREATE TABLE discrepancy_history (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  discrepancy_id VARCHAR(40) NOT NULL,
  changed_at BIGINT NOT NULL,
  state VARCHAR(16) NOT NULL,
  comment VARCHAR(2000) NULL
);
CREATE INDEX ix_discrepancy_history ON discrepancy_history (discrepancy_id, id);
