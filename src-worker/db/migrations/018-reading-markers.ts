import type { Migration } from '../migrate';

/**
 * Where the person stopped reading each account's home timeline, as Mastodon's markers keep it
 * (`/api/v1/markers`), so that another app takes up where Corgi left off and the other way round:
 * what the server last said (`server_read_id`), and how far the person read here since
 * (`read_id`), until the server has it. Ids are the account's server's.
 */
export const migration018: Migration = {
  version: 18,
  name: 'reading-markers',
  sql: `
CREATE TABLE reading_markers (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  timeline TEXT NOT NULL CHECK (timeline IN ('home', 'notifications')),
  server_read_id TEXT,
  server_updated_at INTEGER,
  read_id TEXT,
  read_at INTEGER,
  PRIMARY KEY (account_id, timeline)
) STRICT, WITHOUT ROWID;
`,
};
