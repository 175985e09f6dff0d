import type { Migration } from '../migrate';

/**
 * Each account's notifications by time: the newest one (where the next fetch starts) and those
 * since its marker are read from it, however many notifications are kept.
 */
export const migration020: Migration = {
  version: 20,
  name: 'notifications-by-account',
  sql: `
CREATE INDEX notifications_by_account ON notifications (account_id, created_at);
`,
};
