import type { Migration } from '../migrate';

/**
 * Every kind of notification each account receives (not only mentions, which also stay entries of
 * the "notifications" timeline): who did what, when, and to which post, for the notifications
 * screen. The post is stored as a post; the one who acted is kept as they were shown.
 */
export const migration016: Migration = {
  version: 16,
  name: 'notifications',
  sql: `
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  remote_id TEXT NOT NULL,
  type TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  from_acct TEXT,
  from_name TEXT NOT NULL DEFAULT '',
  from_avatar TEXT,
  status_id INTEGER REFERENCES statuses (id),
  group_key TEXT,
  UNIQUE (account_id, remote_id)
) STRICT;
CREATE INDEX notifications_by_time ON notifications (created_at);
CREATE INDEX notifications_by_status ON notifications (status_id) WHERE status_id IS NOT NULL;
`,
};
