import type { Migration } from '../migrate';

/**
 * What a ranking reads, found without reading everything stored: the posts that entered any
 * timeline in the last days (the candidates), the posts the person replied to (is a candidate in
 * a thread of theirs?), and, for the person model kept in memory, the timeline entries fetched
 * since it last looked and the interactions undone. A count of deleted interactions tells that
 * model to start over, since row ids are reused after a delete. A ranking's candidates and
 * features are kept for a day to learn from. The feed is read by position since version 6, so its
 * score index only slowed each ranking's writes.
 */
export const migration008: Migration = {
  version: 8,
  name: 'ranking-indexes',
  sql: `
CREATE INDEX timeline_entries_by_entry ON timeline_entries (entry_at);
CREATE INDEX interactions_replies ON interactions (status_id) WHERE kind = 'reply' AND undone_at IS NULL;
CREATE INDEX interactions_undone ON interactions (undone_at) WHERE undone_at IS NOT NULL;
CREATE INDEX timeline_entries_by_fetch ON timeline_entries (fetched_at);
DROP INDEX feed_by_score;
CREATE TABLE learning_snapshot (
  status_id INTEGER PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
  taken_at INTEGER NOT NULL,
  features BLOB NOT NULL
) STRICT;
CREATE TABLE interaction_deletions (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL) STRICT;
CREATE TRIGGER interactions_deleted AFTER DELETE ON interactions
BEGIN
  INSERT INTO interaction_deletions (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1;
END;
`,
};
