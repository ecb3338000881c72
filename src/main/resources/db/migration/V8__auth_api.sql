-- The first owner is made once per store: by TALLY_OWNER_* at start or by POST /api/v1/setup. Several nodes may
-- start at once, so whoever inserts this single row (id 1, in the same transaction as the user) wins; the others'
-- inserts fail on the primary key and they stand back.
CREATE TABLE first_owner (
  id INT NOT NULL PRIMARY KEY,
  user_id VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL
);
