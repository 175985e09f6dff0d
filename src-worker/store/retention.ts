/**
 * Keeping posts for a while rather than for ever, if the person chooses to (by default every post
 * is kept). Past the chosen number of months, a post goes, in the background, with its vector,
 * timeline rows, search entry and views, when:
 * - it was written, and last entered a timeline (a boost brings an old post back), before then;
 * - the person never acted on it (favourite, boost, reply, bookmark, "more/less like this"),
 *   never opened it and never read it for long, here or (favourited, boosted, bookmarked) in
 *   another client;
 * - it is not the person's own, and no action of theirs on it is waiting to be sent;
 * - no post that stays quotes it or replies to it (so a thread kept keeps its beginning);
 * - it is not a deleted post's tombstone (which keeps it from being stored again).
 * Posts go newest first, so that a reply is judged before the post it answers. What a choice would
 * drop is worked out the same way before it is made (`retentionView`).
 */
import type { PostRetentionView } from '../../src-shared/worker-api';
import type { Tx } from '../db/database';
import { countPosts } from './posts';
import { readSetting, writeSetting } from './settings';

const DAY = 24 * 3600 * 1000;
/** A month, as the setting counts them. */
export const MONTH = 30.44 * DAY;
/** A pass is begun again after this long. */
const PASS_EVERY = DAY;
/** Posts looked at in one transaction. */
const BATCH = 200;

/** Posts that may go, by what is known of each alone: `?1` is the cut-off. */
const ELIGIBLE = `
  s.created_at < ?1 AND s.deleted_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM timeline_entries e WHERE e.status_id = s.id AND e.entry_at >= ?1)
  AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.status_id = s.id
                   AND NOT (i.kind = 'view' OR (i.kind = 'dwell' AND i.value < 4000)))
  AND NOT EXISTS (SELECT 1 FROM status_refs r WHERE r.status_id = s.id
                   AND (r.favourited = 1 OR r.reblogged = 1 OR r.bookmarked = 1))
  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.status_id = s.id)
  AND s.author_id NOT IN (SELECT au.id FROM authors au JOIN accounts ac ON ac.acct = au.acct)`;

export async function keepMonths(tx: Tx): Promise<number | null> {
  return readSetting(tx, 'posts.keepMonths');
}

/** Keeps posts for `months` (as parsed at the worker's edge, src-shared/renderer-api-schemas.ts), or for ever (null). */
export async function setKeepMonths(tx: Tx, months: number | null): Promise<void> {
  await writeSetting(tx, 'posts.keepMonths', months);
  // A new choice starts a new pass.
  const progress = await readSetting(tx, 'posts.retention');
  await writeSetting(tx, 'posts.retention', {
    ...progress,
    cursor: null,
    cutoff: null,
    dropping: 0,
    lastRunAt: null,
  });
}

/**
 * The setting and what the database holds; asked about `months`, also what keeping posts for that
 * long would drop now, and about how many bytes that frees.
 */
export async function retentionView(
  tx: Tx,
  now: number,
  months?: number | null,
  databaseBytes = 0,
): Promise<PostRetentionView> {
  const setting = await keepMonths(tx);
  const progress = await readSetting(tx, 'posts.retention');
  const posts = await countPosts(tx);
  let preview: PostRetentionView['preview'] = null;
  if (months !== undefined) {
    const drops = months === null ? 0 : await countDroppable(tx, now - months * MONTH);
    // Posts differ little in size: the average stands for those that would go.
    preview = {
      keepMonths: months,
      posts: drops,
      bytes: posts > 0 ? Math.round((drops * databaseBytes) / posts) : 0,
    };
  }
  return {
    keepMonths: setting,
    posts,
    databaseBytes,
    preview,
    lastRunAt: progress.lastRunAt,
    lastDropped: progress.lastDropped,
  };
}

/**
 * What a pass would drop: the eligible posts less those a post that stays quotes or replies to,
 * and, up each thread, what those posts quote or reply to.
 */
async function countDroppable(tx: Tx, cutoff: number): Promise<number> {
  const row = await tx.get<{ n: number }>(
    `WITH RECURSIVE
       eligible(id, uri) AS MATERIALIZED (SELECT s.id, s.uri FROM statuses s WHERE ${ELIGIBLE}),
       edges(parent, child) AS MATERIALIZED (
         SELECT el.id, q.id FROM eligible el JOIN statuses q ON q.quote_uri = el.uri
         UNION
         SELECT el.id, k.id FROM eligible el JOIN status_refs r ON r.status_id = el.id
           JOIN statuses k ON k.in_reply_to_remote_id = r.remote_id WHERE k.id <> el.id),
       kept(id) AS (
         SELECT parent FROM edges WHERE child NOT IN (SELECT id FROM eligible)
         UNION
         SELECT e.parent FROM kept JOIN edges e ON e.child = kept.id)
     SELECT count(*) AS n FROM eligible WHERE id NOT IN (SELECT id FROM kept)`,
    [cutoff],
  );
  return row!.n;
}

/**
 * One batch of the background pass: drops what may go among the next posts, newest first.
 * `dropped` hears each post that goes (for what is held in memory). `done` when the pass has gone
 * through (or none is due).
 */
export async function dropOldPosts(
  tx: Tx,
  now: number,
  dropped: (statusId: number) => void,
): Promise<{ dropped: number; done: boolean }> {
  const months = await keepMonths(tx);
  const progress = await readSetting(tx, 'posts.retention');
  if (months === null) return { dropped: 0, done: true };
  if (progress.cutoff === null && progress.lastRunAt !== null && now - progress.lastRunAt < PASS_EVERY)
    return { dropped: 0, done: true };
  const cutoff = progress.cutoff ?? now - months * MONTH;
  const cursor = progress.cursor ?? { at: cutoff, id: 0 };
  const rows = await tx.all<{ id: number; uri: string; created_at: number }>(
    `SELECT s.id, s.uri, s.created_at FROM statuses s INDEXED BY statuses_by_time
      WHERE s.created_at <= ?2 AND (s.created_at < ?2 OR s.id < ?3) AND ${ELIGIBLE}
      ORDER BY s.created_at DESC, s.id DESC LIMIT ${BATCH}`,
    [cutoff, cursor.at, progress.cursor ? cursor.id : Number.MAX_SAFE_INTEGER],
  );
  const going = new Set<number>();
  for (const row of rows) {
    // Whoever quotes or replies to it: it stays if one of them stays.
    const referrers = await tx.all<{ id: number }>(
      `SELECT q.id FROM statuses q WHERE q.quote_uri = ?
       UNION SELECT k.id FROM status_refs r JOIN statuses k ON k.in_reply_to_remote_id = r.remote_id
        WHERE r.status_id = ? AND k.id <> ?`,
      [row.uri, row.id, row.id],
    );
    if (referrers.every((r) => going.has(r.id))) going.add(row.id);
  }
  if (going.size > 0) await deleteStatuses(tx, [...going]);
  for (const id of going) dropped(id);
  const last = rows[rows.length - 1];
  const done = rows.length < BATCH;
  // Notifications are kept as long as posts are.
  if (done) await tx.run('DELETE FROM notifications WHERE created_at < ?', [cutoff]);
  await writeSetting(
    tx,
    'posts.retention',
    done
      ? {
          cursor: null,
          cutoff: null,
          lastRunAt: now,
          lastDropped: progress.dropping + going.size,
          dropping: 0,
        }
      : {
          ...progress,
          cursor: { at: last!.created_at, id: last!.id },
          cutoff,
          dropping: progress.dropping + going.size,
        },
  );
  return { dropped: going.size, done };
}

/** Deletes posts and everything kept of them: search entries, vectors, timeline rows, views. */
export async function deleteStatuses(tx: Tx, ids: readonly number[]): Promise<void> {
  for (let at = 0; at < ids.length; at += 500) {
    const some = ids.slice(at, at + 500);
    const list = some.map(() => '?').join(', ');
    await tx.run(`DELETE FROM statuses_fts WHERE rowid IN (${list})`, some);
    for (const table of [
      'embeddings',
      'feed',
      'timeline_entries',
      'status_refs',
      'interactions',
      'learning_snapshot',
    ])
      await tx.run(`DELETE FROM ${table} WHERE status_id IN (${list})`, some);
    // A notification stays (someone did favourite it), without the post.
    await tx.run(`UPDATE notifications SET status_id = NULL WHERE status_id IN (${list})`, some);
    await tx.run(`DELETE FROM statuses WHERE id IN (${list})`, some);
  }
}
