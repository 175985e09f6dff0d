import type { Migration } from '../migrate';

/**
 * What each account's server says to keep out of sight: its v2 filters (with their keywords,
 * contexts, action and expiry) and the accounts it mutes or blocks (by acct, user@host). Refreshed
 * whole on every sync; the timeline leaves out posts an account hides.
 */
export const migration005: Migration = {
  version: 5,
  name: 'account-rules',
  sql: `
CREATE TABLE account_filters (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  filter_id TEXT NOT NULL,
  title TEXT NOT NULL,
  contexts TEXT NOT NULL,
  action TEXT NOT NULL,
  keywords TEXT NOT NULL,
  expires_at INTEGER,
  PRIMARY KEY (account_id, filter_id)
) STRICT;
CREATE TABLE account_relations (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('mute', 'block')),
  acct TEXT NOT NULL,
  PRIMARY KEY (account_id, kind, acct)
) STRICT;
CREATE INDEX account_relations_by_acct ON account_relations (acct);
-- The few refs a server filter matched, so the timeline finds them without reading every ref.
CREATE INDEX status_refs_filtered ON status_refs (status_id) WHERE filtered IS NOT NULL;
`,
};
