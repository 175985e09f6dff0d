import type { Migration } from '../migrate';

/**
 * Whom each account follows, as its server last listed them: the ranking tells boosts by people the
 * person follows from other boosts, and authors they follow from strangers.
 */
export const migration007: Migration = {
  version: 7,
  name: 'follows',
  sql: `
CREATE TABLE account_follows (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  acct TEXT NOT NULL,
  PRIMARY KEY (account_id, acct)
) STRICT;
CREATE INDEX account_follows_by_acct ON account_follows (acct);
`,
};
