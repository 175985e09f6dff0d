import type { Migration } from '../migrate';

/**
 * The ranked feed keeps the order it was served in: each ranked post has a position, its reason
 * and contributions, and the features it was scored with (so that feedback on it teaches the
 * weights exactly what was shown). Posts that arrived since the last ranking have no position yet:
 * they wait behind "new posts". The embedder keeps its document frequencies.
 */
export const migration006: Migration = {
  version: 6,
  name: 'ranking',
  sql: `
ALTER TABLE feed ADD COLUMN position INTEGER;
ALTER TABLE feed ADD COLUMN reason TEXT;
ALTER TABLE feed ADD COLUMN subject TEXT;
ALTER TABLE feed ADD COLUMN contributions TEXT;
ALTER TABLE feed ADD COLUMN features BLOB;
ALTER TABLE feed ADD COLUMN shown_at INTEGER;
CREATE UNIQUE INDEX feed_by_position ON feed (position) WHERE position IS NOT NULL;
ALTER TABLE ranking_log ADD COLUMN features BLOB;
CREATE TABLE embedder_state (
  model TEXT PRIMARY KEY,
  documents INTEGER NOT NULL,
  frequencies BLOB NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX embeddings_by_model ON embeddings (model_id);
`,
};
