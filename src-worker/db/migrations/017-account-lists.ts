import type { Migration } from '../migrate';

/** Each account's lists by name, so that a list is a timeline the reader can open by its title. */
export const migration017: Migration = {
  version: 17,
  name: 'account-lists',
  sql: `
CREATE TABLE account_lists (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  remote_id TEXT NOT NULL,
  title TEXT NOT NULL,
  PRIMARY KEY (account_id, remote_id)
) STRICT;
`,
};
