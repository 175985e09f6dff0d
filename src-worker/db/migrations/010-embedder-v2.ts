import type { Migration } from '../migrate';

/**
 * The embedder's second version counts different features, so it keeps its own document
 * frequencies (recounted as every post is embedded again); the first version's table goes.
 */
export const migration010: Migration = {
  version: 10,
  name: 'embedder-v2',
  sql: `
DELETE FROM embedder_state WHERE model = 'hashgram-256';
`,
};
