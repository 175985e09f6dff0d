import type { Migration } from '../migrate';

/**
 * Keeping posts for a chosen number of months (store/retention.ts) asks of each old post whether a
 * post quotes it, replies to it, or an action on it waits to be sent: each found by an index.
 */
export const migration014: Migration = {
  version: 14,
  name: 'post-retention',
  sql: `
CREATE INDEX statuses_by_quote ON statuses (quote_uri) WHERE quote_uri IS NOT NULL;
CREATE INDEX statuses_by_parent ON statuses (in_reply_to_remote_id) WHERE in_reply_to_remote_id IS NOT NULL;
CREATE INDEX outbox_by_status ON outbox (status_id) WHERE status_id IS NOT NULL;
`,
};
