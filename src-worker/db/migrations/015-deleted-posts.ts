import type { Migration } from '../migrate';

/**
 * Posts deleted on their servers (tombstones) found by an index of their own: counting the posts
 * stored then reads the smallest index and this one, not every row.
 */
export const migration015: Migration = {
  version: 15,
  name: 'deleted-posts',
  sql: `
CREATE INDEX statuses_deleted ON statuses (deleted_at) WHERE deleted_at IS NOT NULL;
`,
};
