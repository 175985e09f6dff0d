/**
 * Gap bookkeeping. A stretch is a run of a timeline fetched without holes. A page fetched with
 * `max_id` continues the stretch whose oldest entry is that id, a page fetched with `min_id` extends
 * the stretch whose newest entry is that id, and a page without a cursor starts a stretch at the
 * top. With both `max_id` and `min_id` Mastodon returns the posts right above `min_id`, so such a
 * page reaches the `max_id` stretch only when it is short (or empty: then the two join).
 * Stretches that overlap in time merge. Two stretches with nothing joining them are a gap.
 */
import type { Tx } from '../db/database';
import type { PageCursor, TimelineGap } from '../../src-shared/worker-api';

export interface PageEntry {
  remoteId: string;
  at: number;
}

interface Stretch {
  id: number;
  newest_remote_id: string;
  newest_at: number;
  oldest_remote_id: string;
  oldest_at: number;
  reached_end: number;
}

interface StretchInput {
  accountId: number;
  timeline: string;
  entries: readonly PageEntry[];
  cursor: PageCursor;
  limit: number | null;
  now: number;
}

type Bounds = Omit<Stretch, 'id'>;

export async function recordStretch(tx: Tx, input: StretchInput): Promise<void> {
  const { accountId, timeline, cursor } = input;
  const stretches = await tx.all<Stretch>(
    `SELECT id, newest_remote_id, newest_at, oldest_remote_id, oldest_at, reached_end
       FROM timeline_stretches WHERE account_id = ? AND timeline = ?`,
    [accountId, timeline],
  );
  const short = input.limit !== null && input.entries.length < input.limit;
  // With max_id and a lower bound (min_id or since_id) the page lies inside a gap.
  const lowerId = cursor.minId ?? cursor.sinceId;
  if (input.entries.length === 0) {
    const newer = stretches.find((s) => s.oldest_remote_id === cursor.maxId);
    const older = lowerId === undefined ? undefined : stretches.find((s) => s.newest_remote_id === lowerId);
    if (newer && older && newer.id !== older.id) {
      // Nothing between the two stretches: they join.
      const joined = union(newer, older);
      await tx.run('DELETE FROM timeline_stretches WHERE id = ?', [older.id]);
      await tx.run(
        `UPDATE timeline_stretches SET newest_remote_id = ?, newest_at = ?, oldest_remote_id = ?,
           oldest_at = ?, reached_end = ?, updated_at = ? WHERE id = ?`,
        [
          joined.newest_remote_id,
          joined.newest_at,
          joined.oldest_remote_id,
          joined.oldest_at,
          joined.reached_end,
          input.now,
          newer.id,
        ],
      );
    } else if (newer && lowerId === undefined && !newer.reached_end) {
      // An empty page below a stretch means the server has nothing older.
      await tx.run('UPDATE timeline_stretches SET reached_end = 1, updated_at = ? WHERE id = ?', [
        input.now,
        newer.id,
      ]);
    }
    return;
  }
  let newest = input.entries[0]!;
  let oldest = input.entries[0]!;
  for (const entry of input.entries) {
    if (entry.at > newest.at) newest = entry;
    if (entry.at < oldest.at) oldest = entry;
  }
  let bounds: Bounds = {
    newest_remote_id: newest.remoteId,
    newest_at: newest.at,
    oldest_remote_id: oldest.remoteId,
    oldest_at: oldest.at,
    reached_end: cursor.maxId !== undefined && lowerId === undefined && short ? 1 : 0,
  };
  // Stretches this page is known to touch: by cursor, or by overlapping in time. With min_id the
  // server returns the posts right above it, so the page reaches up to max_id only when short.
  const touching = stretches.filter(
    (s) =>
      (cursor.maxId !== undefined &&
        (cursor.minId === undefined || short) &&
        s.oldest_remote_id === cursor.maxId) ||
      (cursor.minId !== undefined && s.newest_remote_id === cursor.minId) ||
      (cursor.sinceId !== undefined && short && s.newest_remote_id === cursor.sinceId) ||
      (s.oldest_at <= bounds.newest_at && bounds.oldest_at <= s.newest_at),
  );
  for (const s of touching) bounds = union(bounds, s);
  const [keep, ...merged] = touching;
  if (keep && merged.length === 0 && sameBounds(keep, bounds)) return;
  for (const s of merged) await tx.run('DELETE FROM timeline_stretches WHERE id = ?', [s.id]);
  if (keep) {
    await tx.run(
      `UPDATE timeline_stretches SET newest_remote_id = ?, newest_at = ?, oldest_remote_id = ?,
         oldest_at = ?, reached_end = ?, updated_at = ? WHERE id = ?`,
      [
        bounds.newest_remote_id,
        bounds.newest_at,
        bounds.oldest_remote_id,
        bounds.oldest_at,
        bounds.reached_end,
        input.now,
        keep.id,
      ],
    );
  } else {
    await tx.run(
      `INSERT INTO timeline_stretches (account_id, timeline, newest_remote_id, newest_at,
         oldest_remote_id, oldest_at, reached_end, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        accountId,
        timeline,
        bounds.newest_remote_id,
        bounds.newest_at,
        bounds.oldest_remote_id,
        bounds.oldest_at,
        bounds.reached_end,
        input.now,
      ],
    );
  }
}

function union(a: Bounds, b: Bounds): Bounds {
  const newer = a.newest_at >= b.newest_at ? a : b;
  const older = a.oldest_at <= b.oldest_at ? a : b;
  return {
    newest_remote_id: newer.newest_remote_id,
    newest_at: newer.newest_at,
    oldest_remote_id: older.oldest_remote_id,
    oldest_at: older.oldest_at,
    reached_end: older.reached_end,
  };
}

function sameBounds(a: Bounds, b: Bounds): boolean {
  return (
    a.newest_remote_id === b.newest_remote_id &&
    a.oldest_remote_id === b.oldest_remote_id &&
    a.newest_at === b.newest_at &&
    a.oldest_at === b.oldest_at &&
    a.reached_end === b.reached_end
  );
}

/** The holes between stretches, newest first, then the unfetched past below the oldest. */
export async function timelineGaps(tx: Tx, accountId: number, timeline: string): Promise<TimelineGap[]> {
  const stretches = await tx.all<Stretch>(
    `SELECT id, newest_remote_id, newest_at, oldest_remote_id, oldest_at, reached_end
       FROM timeline_stretches WHERE account_id = ? AND timeline = ? ORDER BY newest_at DESC`,
    [accountId, timeline],
  );
  const gaps: TimelineGap[] = [];
  for (let i = 0; i < stretches.length; i++) {
    const newer = stretches[i]!;
    const older = stretches[i + 1];
    if (older) gaps.push({ olderThan: newer.oldest_remote_id, newerThan: older.newest_remote_id });
    else if (!newer.reached_end) gaps.push({ olderThan: newer.oldest_remote_id, newerThan: null });
  }
  return gaps;
}
