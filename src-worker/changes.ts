/**
 * What a committed write changed, as the renderer and the worker's own caches hear it: each table
 * belongs to one domain. A table the map does not know is a test failure (changes.test.ts), so a
 * new table is placed when it is made.
 */
import type { ChangeDomain } from '../src-shared/worker-api';
import type { Written } from './db/database';

export const TABLE_DOMAINS: Readonly<Record<string, ChangeDomain>> = {
  statuses: 'posts',
  statuses_fts: 'posts',
  status_refs: 'posts',
  authors: 'posts',
  ingest_errors: 'posts',
  timeline_entries: 'timelines',
  timeline_stretches: 'timelines',
  sync_cursors: 'timelines',
  feed: 'feed',
  interactions: 'interactions',
  interaction_deletions: 'interactions',
  author_affinities: 'interactions',
  tag_affinities: 'interactions',
  accounts: 'accounts',
  account_filters: 'accounts',
  account_relations: 'accounts',
  account_follows: 'accounts',
  account_lists: 'accounts',
  account_servers: 'servers',
  account_features: 'servers',
  sync_steps: 'servers',
  field_diagnostics: 'servers',
  outbox: 'outbox',
  settings: 'settings',
  embeddings: 'ranking',
  embedder_state: 'ranking',
  person_model_snapshot: 'ranking',
  learning_snapshot: 'ranking',
  learning_examples: 'ranking',
  ranking_log: 'ranking',
  sync_state: 'sync',
  notifications: 'notifications',
  reading_markers: 'markers',
  image_hosts: 'images',
  // (No table: the first page served at start was older than the database, kept-page.ts.)
  kept_page: 'firstPage',
};

/** An account's sync changed state: no table holds it, and it is announced as if one did. */
export const SYNC_STATE: Written = new Map([['sync_state', new Set(['update'] as const)]]);

/** The domains a write touched, in a stable order. */
export function domainsOf(written: Written): ChangeDomain[] {
  const domains = new Set<ChangeDomain>();
  for (const table of written.keys()) {
    const domain = TABLE_DOMAINS[table.toLowerCase()];
    if (domain) domains.add(domain);
  }
  return [...domains].sort();
}

/** A write that touched everything: the database deleted, or started anew after damage. */
export const EVERYTHING: Written = new Map(
  Object.keys(TABLE_DOMAINS).map((table) => [table, new Set(['insert', 'update', 'delete'] as const)]),
);
