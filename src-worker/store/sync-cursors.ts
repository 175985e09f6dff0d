/**
 * Each account's sync position per source (see migration 004). Ingest writes a page's cursor in
 * the page's own transaction, so a stored cursor never points past a page that was not stored.
 */
import type { Tx } from '../db/database';
import { EngineError } from '../errors';
import type { SyncCursor, SyncCursorUpdate } from '../../src-shared/worker-api';

interface CursorRow {
  account_id: number;
  source: string;
  next_url: string | null;
  newest_id: string | null;
  backfill_done: number;
  updated_at: number;
}

function toCursor(row: CursorRow): SyncCursor {
  return {
    accountId: row.account_id,
    source: row.source,
    nextUrl: row.next_url,
    newestId: row.newest_id,
    backfillDone: row.backfill_done === 1,
    updatedAt: row.updated_at,
  };
}

/** Mastodon ids are decimal strings of growing length: compare by length, then text. */
export function newerId(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  if (a.length !== b.length) return a.length > b.length ? a : b;
  return a > b ? a : b;
}

export async function getSyncCursor(tx: Tx, accountId: number, source: string): Promise<SyncCursor | null> {
  const row = await tx.get<CursorRow>('SELECT * FROM sync_cursors WHERE account_id = ? AND source = ?', [
    accountId,
    source,
  ]);
  return row ? toCursor(row) : null;
}

export async function saveSyncCursor(
  tx: Tx,
  accountId: number,
  update: SyncCursorUpdate,
  now: number,
): Promise<SyncCursor> {
  if (typeof update?.source !== 'string' || update.source.length === 0)
    throw new EngineError('invalid_input', 'a sync cursor needs a source');
  const account = await tx.get('SELECT id FROM accounts WHERE id = ?', [accountId]);
  if (!account) throw new EngineError('not_found', `No account with id ${accountId}.`);
  const current = await getSyncCursor(tx, accountId, update.source);
  const next: CursorRow = {
    account_id: accountId,
    source: update.source,
    next_url: update.nextUrl === undefined ? (current?.nextUrl ?? null) : update.nextUrl,
    newest_id: newerId(current?.newestId, update.newestId),
    backfill_done: (update.backfillDone ?? current?.backfillDone ?? false) ? 1 : 0,
    updated_at: now,
  };
  await tx.run(
    `INSERT INTO sync_cursors (account_id, source, next_url, newest_id, backfill_done, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id, source) DO UPDATE SET next_url = excluded.next_url,
       newest_id = excluded.newest_id, backfill_done = excluded.backfill_done,
       updated_at = excluded.updated_at`,
    [next.account_id, next.source, next.next_url, next.newest_id, next.backfill_done, next.updated_at],
  );
  return toCursor(next);
}

/** This account's ids of its stored posts created since `sinceMs`, newest first: counts to refresh. */
export async function recentRemoteIds(
  tx: Tx,
  accountId: number,
  sinceMs: number,
  limit: number,
): Promise<string[]> {
  const rows = await tx.all<{ remote_id: string }>(
    `SELECT r.remote_id FROM status_refs r JOIN statuses s ON s.id = r.status_id
      WHERE r.account_id = ? AND s.created_at >= ? AND s.deleted_at IS NULL
      ORDER BY s.created_at DESC LIMIT ?`,
    [accountId, sinceMs, Math.max(0, Math.min(limit, 10_000))],
  );
  return rows.map((r) => r.remote_id);
}

/** The stored posts the account's server knows by `remoteIds`, in that order (unknown ones left out). */
export async function statusIdsFor(
  tx: Tx,
  accountId: number,
  remoteIds: readonly string[],
): Promise<number[]> {
  const ids = remoteIds.slice(0, 200);
  if (ids.length === 0) return [];
  const rows = await tx.all<{ status_id: number; remote_id: string }>(
    `SELECT status_id, remote_id FROM status_refs
      WHERE account_id = ? AND remote_id IN (${ids.map(() => '?').join(', ')})`,
    [accountId, ...ids],
  );
  const byRemote = new Map(rows.map((r) => [r.remote_id, r.status_id]));
  return ids.flatMap((id) => (byRemote.has(id) ? [byRemote.get(id)!] : []));
}
