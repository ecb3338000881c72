-- Who may do what (issue 7). Every secret here is stored as a hash: passwords with Argon2id, tokens (random,
-- 256 bits) with SHA-256. Configuration objects carry their team in their JSON body ("team"); absent means 'default'.
CREATE TABLE teams (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
INSERT INTO teams (id, name, created_at, updated_at) VALUES ('default', 'Default', 0, 0);

CREATE TABLE users (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  username VARCHAR(64) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  owner INT NOT NULL,
  disabled INT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX uk_users_username ON users (username);

-- a user's role in a team: viewer, operator or admin
CREATE TABLE memberships (
  user_id VARCHAR(64) NOT NULL,
  team_id VARCHAR(64) NOT NULL,
  role VARCHAR(16) NOT NULL,
  PRIMARY KEY (user_id, team_id)
);
CREATE INDEX ix_memberships_team ON memberships (team_id);

-- personal API tokens (Authorization: Bearer tly_...)
CREATE TABLE api_tokens (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  user_id VARCHAR(64) NOT NULL,
  name VARCHAR(200) NOT NULL,
  token_hash CHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  last_used_at BIGINT
);
CREATE UNIQUE INDEX uk_api_tokens_hash ON api_tokens (token_hash);
CREATE INDEX ix_api_tokens_user ON api_tokens (user_id);

-- ingestion tokens: POST /api/v1/events/{event_source_id} only (Authorization: Bearer tle_...)
CREATE TABLE ingest_tokens (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  event_source_id VARCHAR(64) NOT NULL,
  name VARCHAR(200) NOT NULL,
  token_hash CHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT
);
CREATE UNIQUE INDEX uk_ingest_tokens_hash ON ingest_tokens (token_hash);
CREATE INDEX ix_ingest_tokens_source ON ingest_tokens (event_source_id);

-- admin console sessions (cookie tally_session); csrf_token must come back in X-CSRF-Token on every write
CREATE TABLE sessions (
  token_hash CHAR(64) NOT NULL PRIMARY KEY,
  user_id VARCHAR(64) NOT NULL,
  csrf_token VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX ix_sessions_user ON sessions (user_id);

-- one-time setup tokens printed at start while no owner exists; all deleted once the first owner is made
CREATE TABLE setup_tokens (
  token_hash CHAR(64) NOT NULL PRIMARY KEY,
  created_at BIGINT NOT NULL
);
