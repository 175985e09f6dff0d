import type { Migration } from '../migrate';

/** The person model as last saved: a cold start takes it up instead of reading the history again. */
export const migration012: Migration = {
  version: 12,
  name: 'model-snapshot',
  sql: `
CREATE TABLE person_model_snapshot (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  state TEXT NOT NULL,
  saved_at INTEGER NOT NULL
) STRICT;
`,
};
