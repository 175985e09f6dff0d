import type { Migration } from '../migrate';

/**
 * The account JSON of each author, as last seen, so a status's raw JSON no longer has to repeat it.
 * Authors stored before this version get theirs the next time one of their posts is ingested; until
 * then the raw JSON of their older statuses still holds the whole account (see `storedRawJson`).
 */
export const migration003: Migration = {
  version: 3,
  name: 'author-raw',
  sql: `
ALTER TABLE authors ADD COLUMN raw_json TEXT;
`,
};
