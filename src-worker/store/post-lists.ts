/**
 * Posts of one kind, newest first (a list's, a followed hashtag's, the bookmarks, one author's, a
 * hashtag's across everything stored), and the thread around a post.
 */
import type { SqlValue, Tx } from '../db/database';
import type { PostListQuery, PostView, ThreadView, TimelinePage } from '../../src-shared/worker-api';
import { EngineError } from '../errors';
import {
  ftsQuery,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  parseCursor,
  POST_COLUMNS,
  postsById,
  toViews,
  type PostRow,
} from './posts';

/** How far a thread is followed each way: enough for any conversation a person reads. */
const THREAD_LIMIT = 200;

export async function postList(tx: Tx, query: PostListQuery): Promise<TimelinePage> {
  const limit = Math.min(Math.max(1, query.limit ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
  const after = parseCursor(query.cursor);
  const { of } = query;
  let which: string;
  let params: SqlValue[];
  if ('timeline' in of && (of.timeline === 'bookmarks' || of.timeline === 'favourites')) {
    // What the person's accounts have bookmarked or favourited as Corgi knows it now, their own
    // acts here included before the server has heard of them.
    which = `s.id IN (SELECT status_id FROM status_refs WHERE ${of.timeline === 'bookmarks' ? 'bookmarked' : 'favourited'} = 1)`;
    params = [];
  } else if ('timeline' in of) {
    // Each account's entries of that timeline, read by the index that starts with the account.
    which = `s.id IN (SELECT e.status_id FROM accounts ac CROSS JOIN timeline_entries e
                       WHERE e.account_id = ac.id AND e.timeline = ? AND e.deleted_at IS NULL
                       ${of.accountId === undefined ? '' : 'AND ac.id = ?'})`;
    params = of.accountId === undefined ? [of.timeline] : [of.timeline, of.accountId];
  } else if ('author' in of) {
    which = 's.author_id = (SELECT id FROM authors WHERE acct = ?)';
    params = [of.author.replace(/^@/, '').toLowerCase()];
  } else {
    const match = ftsQuery(`#${of.tag.replace(/^#/, '')}`);
    if (match === null) throw new EngineError('invalid_input', `Not a hashtag: ${of.tag}`);
    which = 's.id IN (SELECT rowid FROM statuses_fts WHERE statuses_fts MATCH ?)';
    params = [match.replace(/\*$/, '')];
  }
  const page = after ? 'AND (s.created_at, s.id) < (?, ?)' : '';
  const pageParams = [...params, ...(after ? [after.key, after.id] : []), limit];
  let rows: (PostRow & { key: number })[];
  if ('author' in of) {
    rows = await tx.all(
      `SELECT ${POST_COLUMNS}, s.created_at AS key
         FROM statuses s JOIN authors a ON a.id = s.author_id
        WHERE s.deleted_at IS NULL AND ${which} ${page}
        ORDER BY s.created_at DESC, s.id DESC LIMIT ?`,
      pageParams,
    );
  } else {
    // A set of posts (a hashtag's may be a third of everything): the page is found by walking the
    // index of times, newest first, until it is full, which never reads a post outside it; sorting
    // the whole set by time would read every post in it. A common hashtag's page is among the
    // newest posts: they are looked through first, before the full-text index is asked for all of
    // the hashtag's posts (which, for a common one, is most of the time the page takes).
    const ids =
      ('tag' in of ? await commonTagPage(tx, of.tag, after, limit) : null) ??
      (await tx.all<{ id: number }>(
        `SELECT s.id FROM statuses s INDEXED BY statuses_by_time
          WHERE ${which} ${page}
            AND s.id NOT IN (SELECT id FROM statuses INDEXED BY statuses_deleted WHERE deleted_at IS NOT NULL)
          ORDER BY s.created_at DESC, s.id DESC LIMIT ?`,
        pageParams,
      ));
    rows =
      ids.length === 0
        ? []
        : await tx.all(
            `SELECT ${POST_COLUMNS}, s.created_at AS key
               FROM statuses s JOIN authors a ON a.id = s.author_id
              WHERE s.id IN (${ids.map(() => '?').join(', ')})
              ORDER BY s.created_at DESC, s.id DESC`,
            ids.map((r) => r.id),
          );
  }
  const last = rows.at(-1);
  return {
    posts: await toViews(tx, rows),
    nextCursor: rows.length === limit && last ? `${last.key}:${last.id}` : null,
  };
}

/** How many of the newest posts (from the page's start) are looked through for a common hashtag. */
const COMMON_TAG_WALK = 1000;

/**
 * The page of a hashtag found among the next `COMMON_TAG_WALK` posts from the page's start, or null
 * when they do not hold a whole page of it.
 */
async function commonTagPage(
  tx: Tx,
  tag: string,
  after: { key: number; id: number } | null,
  limit: number,
): Promise<{ id: number }[] | null> {
  const ids = await tx.all<{ id: number }>(
    `SELECT id FROM (
       SELECT s.id, s.tags, s.created_at FROM statuses s INDEXED BY statuses_by_time
        WHERE s.deleted_at IS NULL ${after ? 'AND (s.created_at, s.id) < (?, ?)' : ''}
        ORDER BY s.created_at DESC, s.id DESC LIMIT ${COMMON_TAG_WALK})
      WHERE EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?)
      ORDER BY created_at DESC, id DESC LIMIT ?`,
    [...(after ? [after.key, after.id] : []), tag.replace(/^#/, '').toLowerCase(), limit],
  );
  return ids.length === limit ? ids : null;
}

interface ReplyLink {
  id: number;
  in_reply_to_remote_id: string | null;
  reply_instance: string | null;
  created_at: number;
}

/** The stored post a reply answers: its parent's id on the server of the account that saw it. */
async function parentOf(tx: Tx, post: ReplyLink): Promise<number | null> {
  if (post.in_reply_to_remote_id === null) return null;
  const row = await tx.get<{ status_id: number }>(
    `SELECT r.status_id FROM accounts a JOIN status_refs r ON r.account_id = a.id AND r.remote_id = ?
      WHERE a.instance = ? LIMIT 1`,
    [post.in_reply_to_remote_id, post.reply_instance],
  );
  return row?.status_id ?? null;
}

/** The stored replies to these posts: those whose parent id is one of theirs on the same server. */
async function repliesTo(tx: Tx, ids: number[]): Promise<(ReplyLink & { parent: number })[]> {
  const refs = await tx.all<{ status_id: number; remote_id: string; instance: string }>(
    `SELECT r.status_id, r.remote_id, a.instance FROM status_refs r INDEXED BY status_refs_by_status
       JOIN accounts a ON a.id = r.account_id WHERE r.status_id IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(ids)],
  );
  if (refs.length === 0) return [];
  const byRemote = new Map(refs.map((r) => [`${r.instance}\n${r.remote_id}`, r.status_id]));
  const replies = await tx.all<ReplyLink>(
    `SELECT id, in_reply_to_remote_id, reply_instance, created_at FROM statuses INDEXED BY statuses_by_parent
      WHERE in_reply_to_remote_id IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL`,
    [JSON.stringify([...new Set(refs.map((r) => r.remote_id))])],
  );
  return replies.flatMap((reply) => {
    const parent = byRemote.get(`${reply.reply_instance}\n${reply.in_reply_to_remote_id}`);
    return parent === undefined ? [] : [{ ...reply, parent }];
  });
}

export async function threadOf(tx: Tx, statusId: number): Promise<ThreadView> {
  const link = (id: number) =>
    tx.get<ReplyLink>(
      'SELECT id, in_reply_to_remote_id, reply_instance, created_at FROM statuses WHERE id = ?',
      [id],
    );
  const start = await link(statusId);
  if (!start) return { ancestors: [], post: null, descendants: [] };
  const ancestors: number[] = [];
  const seen = new Set([statusId]);
  for (let current = start; ancestors.length < THREAD_LIMIT;) {
    const parent = await parentOf(tx, current);
    if (parent === null || seen.has(parent)) break;
    seen.add(parent);
    ancestors.unshift(parent);
    const next = await link(parent);
    if (!next) break;
    current = next;
  }
  // Replies, level by level, then in reading order: each after the post it answers, oldest first.
  const children = new Map<number, ReplyLink[]>();
  let level = [statusId];
  let found = 0;
  while (level.length > 0 && found < THREAD_LIMIT) {
    const replies = (await repliesTo(tx, level)).filter((r) => !seen.has(r.id));
    for (const reply of replies) {
      seen.add(reply.id);
      found++;
      const list = children.get(reply.parent) ?? [];
      list.push(reply);
      children.set(reply.parent, list);
    }
    level = replies.map((r) => r.id);
  }
  const order: { id: number; depth: number }[] = [];
  const walk = (id: number, depth: number) => {
    for (const child of (children.get(id) ?? []).sort((a, b) => a.created_at - b.created_at || a.id - b.id)) {
      order.push({ id: child.id, depth });
      walk(child.id, depth + 1);
    }
  };
  walk(statusId, 1);
  const views = new Map<number, PostView>();
  const ids = [...ancestors, statusId, ...order.map((o) => o.id)];
  for (let i = 0; i < ids.length; i += MAX_PAGE_SIZE)
    for (const view of await postsById(tx, ids.slice(i, i + MAX_PAGE_SIZE))) views.set(view.id, view);
  return {
    ancestors: ancestors.flatMap((id) => views.get(id) ?? []),
    post: views.get(statusId) ?? null,
    descendants: order.flatMap(({ id, depth }) => {
      const post = views.get(id);
      return post ? [{ post, depth }] : [];
    }),
  };
}
