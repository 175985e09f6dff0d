import type { Migration } from '../migrate';

/**
 * What each account's server is and offers, and how its sync is going:
 *
 * - `account_servers`: the software and version the instance document names, the Mastodon API
 *   version it claims, where it streams, its post length limit.
 * - `account_features`: each optional feature (streaming, filters, grouped notifications, markers,
 *   trends…) on or off for the account, with why it is off and when to ask again.
 * - `sync_steps`: each step of the sync (home, favourites, filters, mutes…) with its last success,
 *   its last failure and reason, and when it is tried again.
 * - `field_diagnostics`: per server and field, how many optional fields of the wrong type were
 *   dropped and how many texts were cut to their limit: one row a field, not a log line a post.
 * - An account that cannot reach its server, or whose token was refused, says why and since when
 *   (`state_reason`, `state_since`); `unreachable` marks the first, `state` the second as before.
 */
export const migration011: Migration = {
  version: 11,
  name: 'servers',
  sql: `
ALTER TABLE accounts ADD COLUMN unreachable INTEGER NOT NULL DEFAULT 0 CHECK (unreachable IN (0, 1));
ALTER TABLE accounts ADD COLUMN state_reason TEXT;
ALTER TABLE accounts ADD COLUMN state_since INTEGER;

CREATE TABLE account_servers (
  account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  software TEXT NOT NULL,
  software_version TEXT,
  mastodon_version TEXT,
  api_version INTEGER,
  streaming_url TEXT,
  max_characters INTEGER,
  instance_json TEXT NOT NULL,
  fetched_at INTEGER NOT NULL
) STRICT;

CREATE TABLE account_features (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  feature TEXT NOT NULL,
  available INTEGER NOT NULL CHECK (available IN (0, 1)),
  reason TEXT,
  checked_at INTEGER NOT NULL,
  retry_at INTEGER,
  PRIMARY KEY (account_id, feature)
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_steps (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  step TEXT NOT NULL,
  last_ok_at INTEGER,
  last_error TEXT,
  last_error_at INTEGER,
  failures INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER,
  PRIMARY KEY (account_id, step)
) STRICT, WITHOUT ROWID;

CREATE TABLE field_diagnostics (
  instance TEXT NOT NULL,
  field TEXT NOT NULL,
  dropped INTEGER NOT NULL DEFAULT 0,
  cut INTEGER NOT NULL DEFAULT 0,
  first_at INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  PRIMARY KEY (instance, field)
) STRICT, WITHOUT ROWID;
`,
};
