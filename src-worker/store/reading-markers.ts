/**
 * Where the person stopped reading, per account, as Mastodon's markers keep it: the home timeline
 * by the newest entry read, notifications by the newest one seen. A position only moves forward.
 * What was read here waits in `read_id` until the server has it; what the server says (another
 * app's reading too) is kept in `server_read_id`, and whichever is further is the position.
 */
import type { Tx } from '../db/database';
import type { ReadingPosition } from '../../src-shared/worker-api';

export type MarkerTimeline = 'home' | 'notifications';

interface MarkerRow {
  account_id: number;
  timeline: MarkerTimeline;
  server_read_id: string | null;
  server_updated_at: number | null;
  read_id: string | null;
  read_at: number | null;
}

/**
 * Whether id `a` is newer than `b` on one server. Mastodon's ids are numbers of growing length;
 * GoToSocial's and Akkoma's are strings of one length that sort as they were made.
 */
export function newerId(a: string | null, b: string | null): boolean {
  if (a === null) return false;
  if (b === null) return true;
  return a.length !== b.length ? a.length > b.length : a > b;
}

/** The SQL form of `newerId`: `column` is not newer than the parameter given twice after it. */
const NOT_NEWER = (column: string) =>
  `(length(${column}) < length(?) OR (length(${column}) = length(?) AND ${column} <= ?))`;

async function moveForward(
  tx: Tx,
  accountId: number,
  timeline: MarkerTimeline,
  remoteId: string,
  now: number,
): Promise<boolean> {
  const row = await tx.get<MarkerRow>('SELECT * FROM reading_markers WHERE account_id = ? AND timeline = ?', [
    accountId,
    timeline,
  ]);
  if (row && (!newerId(remoteId, row.read_id) || !newerId(remoteId, row.server_read_id))) return false;
  await tx.run(
    `INSERT INTO reading_markers (account_id, timeline, read_id, read_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (account_id, timeline) DO UPDATE SET read_id = excluded.read_id, read_at = excluded.read_at`,
    [accountId, timeline, remoteId, now],
  );
  return true;
}

/**
 * The person read the home timeline, newest first, down to this post: each account's position
 * moves to its newest home post not newer than it (the post itself where that account's home holds
 * it), unless the position is further already. Boosts are passed over: the timeline shows a boosted
 * post at its own time, not the boost's, so a boost's id would say too much or too little.
 */
export async function markHomeRead(tx: Tx, statusId: number, now: number): Promise<boolean> {
  const post = await tx.get<{ created_at: number }>('SELECT created_at FROM statuses WHERE id = ?', [
    statusId,
  ]);
  if (!post) return false;
  const accounts = await tx.all<{ id: number }>('SELECT id FROM accounts');
  let moved = false;
  for (const { id } of accounts) {
    const entry = await tx.get<{ remote_id: string }>(
      `SELECT remote_id FROM timeline_entries
        WHERE account_id = ? AND timeline = 'home' AND entry_at <= ?
          AND deleted_at IS NULL AND boosted_by_author_id IS NULL
        ORDER BY entry_at DESC LIMIT 1`,
      [id, post.created_at],
    );
    if (entry) moved = (await moveForward(tx, id, 'home', entry.remote_id, now)) || moved;
  }
  return moved;
}

/** Every account's notifications seen, up to the newest stored; whether any position moved. */
export async function markNotificationsRead(tx: Tx, now: number): Promise<boolean> {
  const accounts = await tx.all<{ id: number }>('SELECT id FROM accounts');
  let moved = false;
  for (const { id } of accounts) {
    // The newest id is among the longest (Mastodon's grow in length): one range of the account's
    // (account_id, remote_id) index.
    const newest = await tx.get<{ remote_id: string | null }>(
      `SELECT max(remote_id) AS remote_id FROM notifications
        WHERE account_id = ? AND length(remote_id) =
          (SELECT max(length(remote_id)) FROM notifications WHERE account_id = ?)`,
      [id, id],
    );
    if (newest?.remote_id)
      moved = (await moveForward(tx, id, 'notifications', newest.remote_id, now)) || moved;
  }
  return moved;
}

/**
 * Notifications newer than where each account's reading stopped (here or in another app); none
 * for an account that has no position yet.
 */
export async function unreadNotifications(tx: Tx): Promise<number> {
  const markers = await tx.all<MarkerRow>("SELECT * FROM reading_markers WHERE timeline = 'notifications'");
  let unread = 0;
  for (const m of markers) {
    const seen = newerId(m.read_id, m.server_read_id) ? m.read_id : m.server_read_id;
    if (seen === null) continue;
    const row = await tx.get<{ n: number }>(
      `SELECT count(*) AS n FROM notifications WHERE account_id = ? AND NOT ${NOT_NEWER('remote_id')}`,
      [m.account_id, seen, seen, seen],
    );
    unread += row?.n ?? 0;
  }
  return unread;
}

/**
 * Where the home timeline's reading stopped, as a stored post: for one account, or the furthest
 * of all of them. A marker another app set may name a post not stored here, or a boost: the
 * newest stored post of the home timeline not newer than it stands in.
 */
export async function readingPosition(tx: Tx, accountId: number | null): Promise<ReadingPosition | null> {
  const markers = await tx.all<MarkerRow>(
    `SELECT * FROM reading_markers WHERE timeline = 'home' ${accountId === null ? '' : 'AND account_id = ?'}`,
    accountId === null ? [] : [accountId],
  );
  let best: ReadingPosition | null = null;
  for (const m of markers) {
    const fromServer = newerId(m.server_read_id, m.read_id);
    const id = fromServer ? m.server_read_id! : m.read_id;
    if (id === null) continue;
    const entry = await tx.get<{ status_id: number; entry_at: number }>(
      `SELECT status_id, entry_at FROM timeline_entries
        WHERE account_id = ? AND timeline = 'home' AND deleted_at IS NULL AND boosted_by_author_id IS NULL
          AND ${NOT_NEWER('remote_id')}
        ORDER BY entry_at DESC LIMIT 1`,
      [m.account_id, id, id, id],
    );
    if (!entry || (best && best.at >= entry.entry_at)) continue;
    best = {
      statusId: entry.status_id,
      at: entry.entry_at,
      from: fromServer ? 'server' : 'here',
      savedAt: (fromServer ? m.server_updated_at : m.read_at) ?? entry.entry_at,
    };
  }
  return best;
}

/** What the account's server should hear: each position read here further than it knows. */
export async function markersToSend(
  tx: Tx,
  accountId: number,
): Promise<{ timeline: MarkerTimeline; lastReadId: string }[]> {
  const rows = await tx.all<MarkerRow>('SELECT * FROM reading_markers WHERE account_id = ?', [accountId]);
  return rows
    .filter((r) => newerId(r.read_id, r.server_read_id))
    .map((r) => ({ timeline: r.timeline, lastReadId: r.read_id! }));
}

/** What the server says (after it was told, or as another app left it). */
export async function saveServerMarkers(
  tx: Tx,
  accountId: number,
  markers: readonly { timeline: MarkerTimeline; lastReadId: string; updatedAt: number | null }[],
): Promise<void> {
  for (const m of markers)
    await tx.run(
      `INSERT INTO reading_markers (account_id, timeline, server_read_id, server_updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (account_id, timeline) DO UPDATE SET
         server_read_id = excluded.server_read_id, server_updated_at = excluded.server_updated_at`,
      [accountId, m.timeline, m.lastReadId, m.updatedAt],
    );
}
