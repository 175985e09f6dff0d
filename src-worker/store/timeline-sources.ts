/**
 * The timelines besides home that a person can open by name: each account's lists (their titles as
 * the server last said) and the hashtags they follow.
 */
import type { Tx } from '../db/database';
import type { TimelineSources } from '../../src-shared/worker-api';

/** Replaces the account's lists: their ids on its server and their titles. */
export async function replaceLists(
  tx: Tx,
  accountId: number,
  lists: readonly { id: string; title: string }[],
): Promise<void> {
  await tx.run('DELETE FROM account_lists WHERE account_id = ?', [accountId]);
  for (const list of lists)
    await tx.run('INSERT OR REPLACE INTO account_lists (account_id, remote_id, title) VALUES (?, ?, ?)', [
      accountId,
      list.id,
      list.title,
    ]);
}

/** Drops the account's hashtag timelines (their cursors) but those of `names`. */
export async function keepFollowedTags(tx: Tx, accountId: number, names: readonly string[]): Promise<void> {
  const kept = new Set(names.map((name) => `tag:${name.toLowerCase()}`));
  const rows = await tx.all<{ source: string }>(
    "SELECT source FROM sync_cursors WHERE account_id = ? AND source LIKE 'tag:%'",
    [accountId],
  );
  for (const { source } of rows)
    if (!kept.has(source))
      await tx.run('DELETE FROM sync_cursors WHERE account_id = ? AND source = ?', [accountId, source]);
}

export async function timelineSources(tx: Tx): Promise<TimelineSources> {
  const lists = await tx.all<{ account_id: number; remote_id: string; title: string }>(
    'SELECT account_id, remote_id, title FROM account_lists ORDER BY title COLLATE NOCASE, account_id',
  );
  const tags = await tx.all<{ name: string }>(
    "SELECT DISTINCT substr(source, 5) AS name FROM sync_cursors WHERE source LIKE 'tag:%' ORDER BY name",
  );
  return {
    lists: lists.map((l) => ({ accountId: l.account_id, id: l.remote_id, title: l.title })),
    tags: tags.map((t) => t.name),
  };
}
