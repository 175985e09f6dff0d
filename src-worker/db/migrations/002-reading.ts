import type { Migration } from '../migrate';

/**
 * What the person does and what Corgi derives from it: interactions, affinities (rebuildable from
 * interactions plus what retention folded into them), embeddings, the ranked feed and its log, the
 * outbox of Mastodon actions not yet sent, and settings.
 */
export const migration002: Migration = {
  version: 2,
  name: 'reading',
  sql: `
CREATE TABLE interactions (
  id INTEGER PRIMARY KEY,
  account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
  status_id INTEGER NOT NULL REFERENCES statuses (id),
  kind TEXT NOT NULL CHECK (kind IN ('favourite', 'boost', 'reply', 'bookmark', 'view', 'open',
    'dwell', 'more_like_this', 'less_like_this')),
  at INTEGER NOT NULL,
  value REAL NOT NULL DEFAULT 1,
  context TEXT,
  -- Toggles (favourite, boost, bookmark, more/less like this) are undone by stamping this.
  undone_at INTEGER
) STRICT;
CREATE UNIQUE INDEX interactions_one_live_toggle
  ON interactions (ifnull(account_id, 0), status_id, kind)
  WHERE undone_at IS NULL
    AND kind IN ('favourite', 'boost', 'bookmark', 'more_like_this', 'less_like_this');
CREATE INDEX interactions_by_time ON interactions (at);
CREATE INDEX interactions_by_status ON interactions (status_id);

-- Affinities decay exponentially; weight is the value at ref_at. Retention folds old
-- interactions into the folded_* columns (also referenced to ref_at) before deleting them, so a
-- rebuild is the folded part plus what the remaining interactions add.
CREATE TABLE author_affinities (
  author_id INTEGER PRIMARY KEY REFERENCES authors (id),
  weight REAL NOT NULL,
  positives INTEGER NOT NULL,
  negatives INTEGER NOT NULL,
  last_at INTEGER,
  ref_at INTEGER NOT NULL,
  folded_weight REAL NOT NULL DEFAULT 0,
  folded_positives INTEGER NOT NULL DEFAULT 0,
  folded_negatives INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE tag_affinities (
  tag TEXT PRIMARY KEY,
  weight REAL NOT NULL,
  positives INTEGER NOT NULL,
  negatives INTEGER NOT NULL,
  last_at INTEGER,
  ref_at INTEGER NOT NULL,
  folded_weight REAL NOT NULL DEFAULT 0,
  folded_positives INTEGER NOT NULL DEFAULT 0,
  folded_negatives INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE TABLE embeddings (
  status_id INTEGER PRIMARY KEY REFERENCES statuses (id),
  model_id TEXT NOT NULL,
  dims INTEGER NOT NULL,
  vector BLOB NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

-- The current ranked order; the timeline is read from here a page at a time.
CREATE TABLE feed (
  status_id INTEGER PRIMARY KEY REFERENCES statuses (id),
  score REAL NOT NULL,
  ranked_at INTEGER NOT NULL
) STRICT;
CREATE INDEX feed_by_score ON feed (score DESC, status_id DESC);

CREATE TABLE ranking_log (
  id INTEGER PRIMARY KEY,
  served_at INTEGER NOT NULL,
  page_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  status_id INTEGER NOT NULL,
  score REAL NOT NULL,
  contributions TEXT NOT NULL,
  reason TEXT NOT NULL,
  model_version TEXT NOT NULL
) STRICT;
CREATE INDEX ranking_log_by_time ON ranking_log (served_at);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  action TEXT NOT NULL,
  status_id INTEGER REFERENCES statuses (id),
  payload TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_attempt_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO settings (key, value) VALUES ('privacy.level', '"LIMITED"'), ('privacy.retentionDays', '30');
`,
};
