import type { Migration } from '../migrate';

/**
 * Accounts, authors, posts, where each post was seen, and the full-text index.
 *
 * Times are milliseconds since the epoch (INTEGER). Mastodon ids are opaque strings and are only
 * meaningful on the server that issued them, so they live beside the account that saw them
 * (`status_refs`, `timeline_entries`) while a post itself is keyed by its URI.
 */
export const migration001: Migration = {
  version: 1,
  name: 'posts',
  sql: `
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  instance TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  acct TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  avatar_url TEXT,
  is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'needs_sign_in')),
  created_at INTEGER NOT NULL,
  UNIQUE (instance, remote_id)
) STRICT;
CREATE UNIQUE INDEX accounts_single_default ON accounts (is_default) WHERE is_default = 1;

CREATE TABLE authors (
  id INTEGER PRIMARY KEY,
  acct TEXT NOT NULL UNIQUE,
  url TEXT,
  username TEXT NOT NULL,
  display_name TEXT NOT NULL,
  note_html TEXT NOT NULL,
  avatar_url TEXT,
  bot INTEGER NOT NULL,
  locked INTEGER NOT NULL,
  noindex INTEGER NOT NULL,
  followers_count INTEGER NOT NULL,
  following_count INTEGER NOT NULL,
  statuses_count INTEGER NOT NULL,
  last_status_at TEXT,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE statuses (
  id INTEGER PRIMARY KEY,
  uri TEXT NOT NULL UNIQUE,
  url TEXT,
  author_id INTEGER NOT NULL REFERENCES authors (id),
  created_at INTEGER NOT NULL,
  edited_at INTEGER,
  language TEXT,
  visibility TEXT NOT NULL,
  sensitive INTEGER NOT NULL,
  spoiler_text TEXT NOT NULL,
  content_html TEXT NOT NULL,
  content_text TEXT NOT NULL,
  tags TEXT NOT NULL,
  mentions TEXT NOT NULL,
  media TEXT NOT NULL,
  card TEXT,
  poll TEXT,
  -- Reply links as the first server that showed them to us knows them.
  in_reply_to_remote_id TEXT,
  in_reply_to_account_remote_id TEXT,
  reply_instance TEXT,
  quote_uri TEXT,
  quote_state TEXT,
  replies_count INTEGER NOT NULL,
  reblogs_count INTEGER NOT NULL,
  favourites_count INTEGER NOT NULL,
  quotes_count INTEGER NOT NULL,
  counts_at INTEGER NOT NULL,
  deleted_at INTEGER,
  raw_json TEXT NOT NULL
) STRICT;
CREATE INDEX statuses_by_author ON statuses (author_id, created_at);
CREATE INDEX statuses_by_time ON statuses (created_at);

-- Which id a post has on the server of each account that saw it, and that account's own view of
-- it (favourited, boosted, bookmarked…).
CREATE TABLE status_refs (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  remote_id TEXT NOT NULL,
  status_id INTEGER NOT NULL REFERENCES statuses (id),
  favourited INTEGER,
  reblogged INTEGER,
  bookmarked INTEGER,
  muted INTEGER,
  filtered TEXT,
  PRIMARY KEY (account_id, remote_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX status_refs_by_status ON status_refs (status_id);

-- One row per item of a timeline page. For a boost, remote_id is the boost's own id (the
-- pagination cursor) and status_id the boosted post.
CREATE TABLE timeline_entries (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  timeline TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  status_id INTEGER NOT NULL REFERENCES statuses (id),
  boosted_by_author_id INTEGER REFERENCES authors (id),
  entry_at INTEGER NOT NULL,
  fetched_at INTEGER NOT NULL,
  deleted_at INTEGER,
  PRIMARY KEY (account_id, timeline, remote_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX timeline_entries_by_status ON timeline_entries (status_id);
CREATE INDEX timeline_entries_by_time ON timeline_entries (account_id, timeline, entry_at);

-- Stretches of a timeline known to be fetched without holes. Two stretches of one timeline with
-- nothing joining them are a gap to fill.
CREATE TABLE timeline_stretches (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  timeline TEXT NOT NULL,
  newest_remote_id TEXT NOT NULL,
  newest_at INTEGER NOT NULL,
  oldest_remote_id TEXT NOT NULL,
  oldest_at INTEGER NOT NULL,
  reached_end INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX timeline_stretches_by_timeline ON timeline_stretches (account_id, timeline, newest_at);

-- Statuses that could not be stored, with the reason, so nothing is dropped silently.
CREATE TABLE ingest_errors (
  id INTEGER PRIMARY KEY,
  account_id INTEGER,
  timeline TEXT,
  remote_id TEXT,
  error TEXT NOT NULL,
  raw_json TEXT,
  at INTEGER NOT NULL
) STRICT;
-- The same bad status seen again is not recorded twice.
CREATE UNIQUE INDEX ingest_errors_once
  ON ingest_errors (ifnull(account_id, 0), ifnull(timeline, ''), ifnull(remote_id, ''), error);

CREATE VIRTUAL TABLE statuses_fts USING fts5 (
  body, names, tags,
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2'
);
`,
};
