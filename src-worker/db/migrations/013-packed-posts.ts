import type { Migration } from '../migrate';

/**
 * A post's HTML and raw JSON packed (`packText`); its plain text is no longer stored, but read from
 * the HTML when wanted. Posts stored before keep their texts in the old columns, and are read from
 * there.
 */
export const migration013: Migration = {
  version: 13,
  name: 'packed-posts',
  sql: `
ALTER TABLE statuses ADD COLUMN content_packed BLOB;
ALTER TABLE statuses ADD COLUMN raw_packed BLOB;
`,
};
