import type { Migration } from '../migrate';

/**
 * What a ranking reads, found without reading everything stored: the posts that entered any
 * timeline in the last days (the candidates), and the posts the person replied to (each candidate
 * is asked whether it answers one of them: a thread they are in). The feed is read by position
 * since version 6, so its score index only slowed each ranking's writes.
 */
export const migration008: Migration = {
  version: 8,
  name: 'ranking-indexes',
  sql: `
CREATE INDEX timeline_entries_by_entry ON timeline_entries (entry_at);
CREATE INDEX interactions_replies ON interactions (status_id) WHERE kind = 'reply' AND undone_at IS NULL;
DROP INDEX feed_by_score;
`,
};
