import type { Migration } from '../migrate';

/**
 * What the weights are learned from, once a day has passed: each day's ranking, one row per
 * candidate, and the posts served during the day that the person looked at, each with its features
 * as ranked, whether the person acted on it within the day, whether it was on screen, and the
 * model version that worked out the features. Rows are kept for two weeks and the weights fitted
 * anew from all of them. They name no post: only the numbers a ranking saw. The ranking kept to
 * learn from records its model version too.
 */
export const migration009: Migration = {
  version: 9,
  name: 'learning-examples',
  sql: `
CREATE TABLE learning_examples (
  id INTEGER PRIMARY KEY,
  taken_at INTEGER NOT NULL,
  features BLOB NOT NULL,
  positive INTEGER NOT NULL CHECK (positive IN (0, 1)),
  viewed INTEGER NOT NULL CHECK (viewed IN (0, 1)),
  model_version TEXT NOT NULL
) STRICT;
CREATE INDEX learning_examples_by_time ON learning_examples (taken_at);
ALTER TABLE learning_snapshot ADD COLUMN model_version TEXT;
`,
};
