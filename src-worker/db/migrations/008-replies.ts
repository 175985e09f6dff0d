import type { Migration } from '../migrate';

/**
 * The posts the person replied to, found without reading every interaction: each ranking asks,
 * for every candidate, whether it answers one of them (a thread they are in).
 */
export const migration008: Migration = {
  version: 8,
  name: 'replies',
  sql: `
CREATE INDEX interactions_replies ON interactions (status_id) WHERE kind = 'reply' AND undone_at IS NULL;
`,
};
