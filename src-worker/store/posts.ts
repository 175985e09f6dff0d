/**
 * Reading posts back: a timeline page in ranked or chronological order, and full-text search.
 */
import type { Tx } from '../db/database';
import type {
  AuthorView,
  PostRanking,
  PostView,
  RankingFeature,
  TimelinePage,
  TimelineQuery,
} from '../../src-shared/worker-api';
import { EngineError } from '../errors';
import { htmlToText } from '../ingest/html-text';
import { storedText } from './packed-text';
import { cardOf, emojisOf, mediaOf, parseJson, pollOf } from './post-extras';

export const POST_COLUMNS = `
  s.id, s.uri, s.url, s.created_at, s.edited_at, s.content_html, s.content_text, s.content_packed, s.spoiler_text,
  s.sensitive, s.language, s.visibility, s.tags, s.media, s.replies_count, s.reblogs_count,
  s.favourites_count, s.deleted_at, s.raw_json, s.raw_packed, s.mentions, s.card, s.poll,
  s.in_reply_to_remote_id, s.in_reply_to_account_remote_id, s.reply_instance, s.quote_uri,
  a.acct AS a_acct, a.display_name AS a_name, a.avatar_url AS a_avatar, a.url AS a_url, a.bot AS a_bot,
  a.raw_json AS a_raw`;

export interface PostRow {
  id: number;
  uri: string;
  url: string | null;
  created_at: number;
  edited_at: number | null;
  content_html: string;
  content_text: string;
  content_packed: Uint8Array | null;
  spoiler_text: string;
  sensitive: number;
  language: string | null;
  visibility: string;
  tags: string;
  media: string;
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
  deleted_at: number | null;
  raw_json: string;
  raw_packed: Uint8Array | null;
  mentions: string;
  card: string | null;
  poll: string | null;
  in_reply_to_remote_id: string | null;
  in_reply_to_account_remote_id: string | null;
  reply_instance: string | null;
  quote_uri: string | null;
  a_acct: string;
  a_name: string;
  a_avatar: string | null;
  a_url: string | null;
  a_bot: number;
  a_raw: string | null;
}

interface SeenRow {
  status_id: number;
  account_id: number;
  favourited: number | null;
  reblogged: number | null;
  bookmarked: number | null;
  filtered: string | null;
  b_acct: string | null;
  b_name: string | null;
  b_avatar: string | null;
  b_url: string | null;
  b_bot: number | null;
}

export const DEFAULT_PAGE_SIZE = 40;

/** Text that may hold a custom emoji's `:shortcode:`. */
const SHORTCODE_LIKE = /:[A-Za-z0-9_]+:/;
export const MAX_PAGE_SIZE = 200;

/** Whether any post carries a server filter match (a partial index makes this one lookup). */
async function hasFilteredRefs(tx: Tx): Promise<boolean> {
  const row = await tx.get<{ any: number }>(
    'SELECT EXISTS (SELECT 1 FROM status_refs INDEXED BY status_refs_filtered WHERE filtered IS NOT NULL) AS "any"',
  );
  return row?.any === 1;
}

/**
 * The server filters in a status's `filtered` that are in force for the home timeline and do not
 * hide it (hidden posts never reach a page); unknown actions count as "warn", as Mastodon advises.
 */
function activeFilters(json: string, nowIso: string): PostView['filters'] {
  let results: unknown;
  try {
    results = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(results)) return [];
  const out: PostView['filters'] = [];
  for (const result of results) {
    const filter = (result as { filter?: Record<string, unknown> } | null)?.filter;
    if (!filter || !Array.isArray(filter.context) || !filter.context.includes('home')) continue;
    if (typeof filter.expires_at === 'string' && filter.expires_at <= nowIso) continue;
    if (filter.filter_action === 'hide') continue;
    out.push({
      title: typeof filter.title === 'string' ? filter.title : 'Filtered',
      action: filter.filter_action === 'blur' ? 'blur' : 'warn',
    });
  }
  return out;
}

/** Turns rows into views, adding who saw each post, who boosted it and each account's view of it. */
export async function toViews(
  tx: Tx,
  rows: PostRow[],
  now = Date.now(),
  anyFiltered?: boolean,
): Promise<PostView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  // The server's filter matches are read only when any exist at all: most people have none.
  const filtered = anyFiltered ?? (await hasFilteredRefs(tx));
  // One pass: who saw each post, who boosted it, and each account's own flags for it.
  const seen = await tx.all<SeenRow>(
    `SELECT e.status_id, e.account_id, b.acct AS b_acct, b.display_name AS b_name,
            b.avatar_url AS b_avatar, b.url AS b_url, b.bot AS b_bot,
            r.favourited, r.reblogged, r.bookmarked, ${filtered ? 'r.filtered' : 'NULL AS filtered'}
       FROM timeline_entries e LEFT JOIN authors b ON b.id = e.boosted_by_author_id
       LEFT JOIN status_refs r INDEXED BY status_refs_by_status
         ON r.status_id = e.status_id AND r.account_id = e.account_id
      WHERE e.status_id IN (SELECT value FROM json_each(?)) AND e.deleted_at IS NULL
      ORDER BY e.entry_at DESC`,
    [JSON.stringify(ids)],
  );
  const own = new Map<number, Map<number, PostView['own'][number]>>();
  const filters = new Map<number, PostView['filters']>();
  const nowIso = new Date(now).toISOString();
  for (const ref of seen) {
    const byAccount = own.get(ref.status_id) ?? new Map<number, PostView['own'][number]>();
    own.set(ref.status_id, byAccount);
    const flags = byAccount.get(ref.account_id) ?? {
      accountId: ref.account_id,
      favourited: false,
      reblogged: false,
      bookmarked: false,
    };
    flags.favourited ||= ref.favourited === 1;
    flags.reblogged ||= ref.reblogged === 1;
    flags.bookmarked ||= ref.bookmarked === 1;
    byAccount.set(ref.account_id, flags);
    if (ref.filtered !== null) {
      const list = filters.get(ref.status_id) ?? [];
      for (const match of activeFilters(ref.filtered, nowIso)) {
        if (!list.some((f) => f.title === match.title && f.action === match.action)) list.push(match);
      }
      filters.set(ref.status_id, list);
    }
  }
  const seenBy = new Map<number, Set<number>>();
  const boostedBy = new Map<number, AuthorView>();
  for (const s of seen) {
    let accounts = seenBy.get(s.status_id);
    if (!accounts) seenBy.set(s.status_id, (accounts = new Set()));
    accounts.add(s.account_id);
    if (s.b_acct !== null && !boostedBy.has(s.status_id)) {
      boostedBy.set(s.status_id, {
        acct: s.b_acct,
        displayName: s.b_name ?? '',
        avatarUrl: s.b_avatar,
        url: s.b_url,
        bot: s.b_bot === 1,
      });
    }
  }
  const links = await replyAndQuoteLinks(tx, rows);
  return rows.map((r) => {
    // The raw status is unpacked and parsed only when the row needs something from it: custom
    // emoji, media sizes, the author of the post it replies to. Most rows need none.
    let rawParsed: Record<string, unknown> | null | undefined;
    const rawStatus = () =>
      (rawParsed ??= parseJson(storedText(r.raw_packed, r.raw_json)) as Record<string, unknown> | null);
    const contentHtml = storedText(r.content_packed, r.content_html);
    const mayHaveEmoji =
      SHORTCODE_LIKE.test(r.spoiler_text) ||
      SHORTCODE_LIKE.test(contentHtml) ||
      SHORTCODE_LIKE.test(r.poll ?? '');
    const authorRaw = (parseJson(r.a_raw) ?? rawStatus()?.account) as Record<string, unknown> | null;
    const mentions = (
      (parseJson(r.mentions) as { acct: string; url: string; id: string }[] | null) ?? []
    ).map((m) => ({ ...m, acct: fullAcct(m.acct, m.url) }));
    return {
      id: r.id,
      uri: r.uri,
      url: r.url,
      author: {
        acct: r.a_acct,
        displayName: r.a_name,
        avatarUrl: r.a_avatar,
        url: r.a_url,
        bot: r.a_bot === 1,
        emojis: emojisOf(authorRaw?.emojis),
      },
      createdAt: r.created_at,
      editedAt: r.edited_at,
      contentHtml,
      // The plain text is not stored (but in rows stored before texts were packed).
      contentText: r.content_text || htmlToText(contentHtml),
      spoilerText: r.spoiler_text,
      sensitive: r.sensitive === 1,
      language: r.language,
      visibility: r.visibility,
      tags: JSON.parse(r.tags) as string[],
      media: r.media === '[]' ? [] : mediaOf(r.media, rawStatus()),
      replies: r.replies_count,
      reblogs: r.reblogs_count,
      favourites: r.favourites_count,
      boostedBy: boostedBy.get(r.id) ?? null,
      seenBy: [...(seenBy.get(r.id) ?? [])].sort((a, b) => a - b),
      own: [...(own.get(r.id)?.values() ?? [])].sort((a, b) => a.accountId - b.accountId),
      filters: filters.get(r.id) ?? [],
      deleted: r.deleted_at !== null,
      emojis: mayHaveEmoji ? emojisOf(rawStatus()?.emojis) : [],
      mentions: mentions.map((m) => ({ acct: m.acct, url: m.url })),
      card: cardOf(r.card),
      poll: pollOf(r.poll),
      inReplyTo:
        r.in_reply_to_remote_id === null
          ? null
          : {
              statusId: links.parents.get(`${r.reply_instance}\n${r.in_reply_to_remote_id}`) ?? null,
              acct:
                r.in_reply_to_account_remote_id === (rawStatus()?.account as { id?: unknown } | undefined)?.id
                  ? r.a_acct
                  : (mentions.find((m) => m.id === r.in_reply_to_account_remote_id)?.acct ?? null),
            },
      quoteId: r.quote_uri === null ? null : (links.quotes.get(r.quote_uri) ?? null),
    };
  });
}

/**
 * A mention's full handle: a server names people of its own without a domain ("bob"), and their
 * profile's address says which server that is.
 */
function fullAcct(acct: string, url: string): string {
  if (acct.includes('@')) return acct.toLowerCase();
  try {
    return `${acct}@${new URL(url).host}`.toLowerCase();
  } catch {
    return acct.toLowerCase();
  }
}

/**
 * The stored posts the rows answer and quote: a parent is known by its id on the server of the
 * account that saw the reply, a quoted post by its URI.
 */
async function replyAndQuoteLinks(
  tx: Tx,
  rows: PostRow[],
): Promise<{ parents: Map<string, number>; quotes: Map<string, number> }> {
  const parents = new Map<string, number>();
  const quotes = new Map<string, number>();
  const parentIds = [...new Set(rows.map((r) => r.in_reply_to_remote_id).filter((id) => id !== null))];
  if (parentIds.length > 0) {
    const found = await tx.all<{ status_id: number; remote_id: string; instance: string }>(
      // Each account's ids looked up by its primary key: a few accounts times the page's parents.
      `SELECT r.status_id, r.remote_id, a.instance
         FROM accounts a CROSS JOIN json_each(?) j CROSS JOIN status_refs r
        WHERE r.account_id = a.id AND r.remote_id = j.value`,
      [JSON.stringify(parentIds)],
    );
    for (const f of found) parents.set(`${f.instance}\n${f.remote_id}`, f.status_id);
  }
  const quoted = [...new Set(rows.map((r) => r.quote_uri).filter((uri) => uri !== null))];
  if (quoted.length > 0) {
    const found = await tx.all<{ id: number; uri: string }>(
      'SELECT id, uri FROM statuses WHERE uri IN (SELECT value FROM json_each(?))',
      [JSON.stringify(quoted)],
    );
    for (const f of found) quotes.set(f.uri, f.id);
  }
  return { parents, quotes };
}

/** Cursors are opaque to callers: "<score or time>:<id>" of the last post of the page. */
export function parseCursor(cursor: string | null | undefined): { key: number; id: number } | null {
  if (!cursor) return null;
  const match = /^(-?[\d.e+-]+):(\d+)$/.exec(cursor);
  const key = Number(match?.[1]);
  if (!match || !Number.isFinite(key))
    throw new EngineError('invalid_input', `Not a timeline cursor: ${cursor}`);
  return { key, id: Number(match[2]) };
}

export async function timelinePage(tx: Tx, query: TimelineQuery, now = Date.now()): Promise<TimelinePage> {
  const limit = Math.min(Math.max(1, query.limit ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
  const after = parseCursor(query.cursor);
  // A post is on the timeline while it has an entry (of that account) that was not deleted, its
  // author is not muted or blocked by one of the person's accounts, and no server filter of theirs
  // in force for the home timeline says to hide it.
  const ofAccount = query.accountId === undefined ? '' : 'AND e.account_id = ?';
  // Only pay for the mute and filter checks when there is something to check.
  const rules = await tx.get<{ relations: number; filtered: number }>(
    `SELECT EXISTS (SELECT 1 FROM account_relations) AS relations,
            EXISTS (SELECT 1 FROM status_refs INDEXED BY status_refs_filtered WHERE filtered IS NOT NULL) AS filtered`,
  );
  const unmuted = rules?.relations
    ? 'AND NOT EXISTS (SELECT 1 FROM account_relations m WHERE m.acct = a.acct)'
    : '';
  const unhidden = rules?.filtered
    ? `AND NOT EXISTS (SELECT 1 FROM status_refs r INDEXED BY status_refs_filtered, json_each(r.filtered) j
        WHERE r.status_id = s.id AND r.filtered IS NOT NULL
          AND j.value ->> '$.filter.filter_action' = 'hide'
          AND ifnull(j.value ->> '$.filter.expires_at', '9999') > ?
          AND EXISTS (SELECT 1 FROM json_each(j.value -> '$.filter.context') c WHERE c.value = 'home'))`
    : '';
  const onTimeline = `AND EXISTS (SELECT 1 FROM timeline_entries e
      WHERE e.status_id = s.id AND e.deleted_at IS NULL ${ofAccount}) ${unmuted} ${unhidden}`;
  const accountParams = [
    ...(query.accountId === undefined ? [] : [query.accountId]),
    ...(unhidden ? [new Date(now).toISOString()] : []),
  ];
  let rows: (PostRow & RankedColumns & { key: number })[];
  if (query.order === 'ranked') {
    rows = await tx.all(
      `SELECT ${POST_COLUMNS}, f.position AS key, f.score AS f_score, f.reason AS f_reason,
              f.subject AS f_subject, f.contributions AS f_contributions
         FROM feed f JOIN statuses s ON s.id = f.status_id JOIN authors a ON a.id = s.author_id
        WHERE f.position IS NOT NULL AND s.deleted_at IS NULL ${after ? 'AND f.position > ?' : ''} ${onTimeline}
        ORDER BY f.position LIMIT ?`,
      [...(after ? [after.key] : []), ...accountParams, limit],
    );
  } else {
    rows = await tx.all(
      `SELECT ${POST_COLUMNS}, s.created_at AS key
         FROM statuses s JOIN authors a ON a.id = s.author_id
        WHERE s.deleted_at IS NULL ${after ? 'AND (s.created_at, s.id) < (?, ?)' : ''} ${onTimeline}
        ORDER BY s.created_at DESC, s.id DESC LIMIT ?`,
      [...(after ? [after.key, after.id] : []), ...accountParams, limit],
    );
  }
  const last = rows[rows.length - 1];
  const views = await toViews(tx, rows, now, rules?.filtered === 1);
  if (query.order === 'ranked') {
    views.forEach((view, i) => {
      const row = rows[i]!;
      const subject = row.f_subject ? (JSON.parse(row.f_subject) as { feature: RankingFeature }) : null;
      view.ranking = {
        position: row.key,
        score: Math.round((row.f_score ?? 0) * 1000) / 1000,
        reason: row.f_reason ?? '',
        reasonFeature: subject?.feature ?? 'recency',
        contributions: row.f_contributions
          ? (JSON.parse(row.f_contributions) as PostRanking['contributions'])
          : {},
      };
    });
  }
  return {
    posts: views,
    nextCursor: rows.length === limit && last ? `${last.key}:${last.id}` : null,
  };
}

interface RankedColumns {
  f_score?: number;
  f_reason?: string | null;
  f_subject?: string | null;
  f_contributions?: string | null;
}

/**
 * Turns what a person types into an FTS5 query: every word must match (the last as a prefix, so
 * results follow typing), `#tag` searches tags and `@name` author names. Quotes keep FTS5's
 * operators from being read out of user text.
 */
export function ftsQuery(input: string): string | null {
  const words = input
    .normalize('NFKC')
    .split(/\s+/)
    .map((w) => w.replace(/"/g, ''))
    .filter((w) => w.replace(/[#@]/g, '').length > 0);
  if (words.length === 0) return null;
  return words
    .map((word, i) => {
      const prefix = i === words.length - 1 ? '*' : '';
      if (word.startsWith('#')) return `tags : "${word.slice(1)}"${prefix}`;
      if (word.startsWith('@')) return `names : "${word.slice(1).replace(/@/g, ' ')}"${prefix}`;
      return `"${word}"${prefix}`;
    })
    .join(' AND ');
}

/**
 * How many of the most recently stored matches a search ranks. Ranking every match of a common
 * word costs time in proportion to the whole history (60 ms at 100,000 posts); the newest matches
 * are also what a reader looking for a post they saw is most likely to mean.
 */
const SEARCH_WINDOW = 1000;

export async function searchPosts(tx: Tx, input: string, limit = 50): Promise<PostView[]> {
  const match = ftsQuery(input);
  if (match === null) return [];
  const rows = await tx.all<PostRow>(
    `SELECT ${POST_COLUMNS}
       FROM (SELECT rowid, score FROM (
               SELECT rowid, bm25(statuses_fts) AS score FROM statuses_fts
                WHERE statuses_fts MATCH ? ORDER BY rowid DESC LIMIT ${SEARCH_WINDOW})
              ORDER BY score LIMIT ?) hits
       JOIN statuses s ON s.id = hits.rowid JOIN authors a ON a.id = s.author_id
      WHERE s.deleted_at IS NULL
      ORDER BY hits.score, s.created_at DESC, s.id DESC`,
    [match, Math.min(Math.max(1, limit), MAX_PAGE_SIZE)],
  );
  return toViews(tx, rows);
}

/**
 * How many posts are stored, deleted ones left out: all of them less the tombstones, each count
 * read from an index, so that asking every few seconds costs little at any size.
 */
export async function countPosts(tx: Tx): Promise<number> {
  const row = await tx.get<{ n: number }>(
    `SELECT (SELECT count(*) FROM statuses) -
            (SELECT count(*) FROM statuses INDEXED BY statuses_deleted WHERE deleted_at IS NOT NULL) AS n`,
  );
  return row?.n ?? 0;
}

/**
 * The posts with these ids as they are now (their counts, the person's own flags, an edit or a
 * deletion), in the order asked; ids no longer stored are left out. Deleted posts come back marked
 * `deleted`, so that a screen showing one can say so.
 */
export async function postsById(tx: Tx, ids: readonly number[]): Promise<PostView[]> {
  if (ids.length === 0) return [];
  const rows = await tx.all<PostRow>(
    `SELECT ${POST_COLUMNS}
       FROM statuses s JOIN authors a ON a.id = s.author_id
      WHERE s.id IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(ids.slice(0, MAX_PAGE_SIZE))],
  );
  const order = new Map(ids.map((id, i) => [id, i]));
  rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return toViews(tx, rows);
}
