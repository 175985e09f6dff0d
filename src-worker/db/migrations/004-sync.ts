import type { Migration } from '../migrate';

/**
 * Where each account's sync stands, per source (home, favourites, bookmarks, notifications,
 * "list:<id>", "tag:<name>"): the Link URL backfill continues from, and the newest id seen, from
 * which a catch-up after a restart or a dropped stream asks with min_id. Written in the same
 * transaction as the page it follows, so a restart resumes exactly where the last stored page ended.
 */
export const migration004: Migration = {
  version: 4,
  name: 'sync',
  sql: `
CREATE TABLE sync_cursors (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  next_url TEXT,
  newest_id TEXT,
  backfill_done INTEGER NOT NULL DEFAULT 0 CHECK (backfill_done IN (0, 1)),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, source)
) STRICT;
`,
};
