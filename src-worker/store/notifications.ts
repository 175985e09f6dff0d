/**
 * Notifications of every kind, kept per account, and read back grouped as Mastodon groups them
 * ("Ana and 4 others favourited your post"): by the server's group key where it sends one, else
 * favourites, boosts and quotes of one post together, follows of one day together, the rest alone.
 */
import { httpsHost, recordImageHosts } from './image-hosts';
import type { Tx } from '../db/database';
import {
  REFRESH,
  type NotificationGroupView,
  type NotificationsQuery,
  type PostView,
} from '../../src-shared/worker-api';
import { notificationSchema } from '../../src-shared/mastodon/entities';
import { ingestStatuses } from '../ingest/ingest-statuses';
import { postsById } from './posts';

/** How many of the newest notifications a screen groups: about a fortnight for a busy account. */
const WINDOW = 2000;
const GROUPED_TYPES = new Set(['favourite', 'reblog', 'quote']);

/** Stores a page of notifications (Mastodon v1 JSON); each is checked on its own. */
export async function saveNotifications(
  tx: Tx,
  accountId: number,
  raw: readonly unknown[],
  now: number,
): Promise<{ stored: number; rejected: number }> {
  const parsed = raw.map((n) => notificationSchema.safeParse(n));
  const good = parsed.flatMap((p) => (p.success ? [p.data] : []));
  const statuses = good.flatMap((n) => (n.status ? [n.status] : []));
  if (statuses.length > 0)
    await ingestStatuses(tx, { accountId, timeline: REFRESH, statuses, fetchedAt: now }, now);
  let stored = 0;
  for (const n of good) {
    const status = n.status
      ? await tx.get<{ id: number }>('SELECT id FROM statuses WHERE uri = ?', [n.status.uri])
      : undefined;
    const result = await tx.run(
      `INSERT INTO notifications (account_id, remote_id, type, created_at, from_acct, from_name, from_avatar,
         status_id, group_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, remote_id) DO NOTHING`,
      [
        accountId,
        n.id,
        n.type,
        Date.parse(n.created_at),
        n.account?.acct ?? null,
        n.account?.display_name ?? '',
        n.account?.avatar || null,
        status?.id ?? null,
        n.group_key ?? null,
      ],
    );
    stored += result.changes;
  }
  await recordImageHosts(
    tx,
    good.flatMap((n) => httpsHost(n.account?.avatar) ?? []),
    now,
  );
  return { stored, rejected: parsed.length - good.length };
}

/** The newest notification's id on the account's server, to ask only for what came since. */
export async function newestNotification(tx: Tx, accountId: number): Promise<string | null> {
  const row = await tx.get<{ remote_id: string }>(
    'SELECT remote_id FROM notifications WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT 1',
    [accountId],
  );
  return row?.remote_id ?? null;
}

interface Row {
  id: number;
  account_id: number;
  type: string;
  created_at: number;
  from_acct: string | null;
  from_name: string;
  from_avatar: string | null;
  status_id: number | null;
  group_key: string | null;
}

function groupOf(row: Row): string {
  if (GROUPED_TYPES.has(row.type) && row.status_id !== null) return `${row.type}:${row.status_id}`;
  if (row.type === 'follow')
    return `follow:${row.account_id}:${new Date(row.created_at).toISOString().slice(0, 10)}`;
  return `one:${row.id}`;
}

/** The newest notifications, grouped, newest group first; `types` keeps only those kinds. */
export async function notificationGroups(
  tx: Tx,
  query: NotificationsQuery = {},
): Promise<NotificationGroupView[]> {
  const types = query.types && query.types.length > 0 ? query.types : null;
  const rows = await tx.all<Row>(
    `SELECT id, account_id, type, created_at, from_acct, from_name, from_avatar, status_id, group_key
       FROM notifications INDEXED BY notifications_by_time
      ${types ? 'WHERE type IN (SELECT value FROM json_each(?))' : ''}
      ORDER BY created_at DESC, id DESC LIMIT ${WINDOW}`,
    types ? [JSON.stringify(types)] : [],
  );
  const groups = new Map<string, NotificationGroupView & { seen: Set<string> }>();
  for (const row of rows) {
    // A group key of the server's is its own (and only within that account: two servers may use the
    // same one); one made here joins the same kind on the same post.
    const key =
      GROUPED_TYPES.has(row.type) || row.type === 'follow'
        ? groupOf(row)
        : row.group_key !== null
          ? `server:${row.account_id}:${row.group_key}`
          : groupOf(row);
    let group = groups.get(key);
    if (!group) {
      if (groups.size >= (query.limit ?? 40)) continue;
      group = {
        key,
        type: row.type,
        latestAt: row.created_at,
        accounts: [],
        count: 0,
        postId: row.status_id,
        post: null,
        seen: new Set(),
      };
      groups.set(key, group);
    }
    const who = row.from_acct ?? '';
    if (group.seen.has(who)) continue;
    group.seen.add(who);
    group.count++;
    if (group.accounts.length < 8)
      group.accounts.push({ acct: who, displayName: row.from_name, avatarUrl: row.from_avatar });
  }
  const ids = [...new Set([...groups.values()].flatMap((g) => (g.postId === null ? [] : [g.postId])))];
  const posts = new Map<number, PostView>();
  for (let i = 0; i < ids.length; i += 200)
    for (const post of await postsById(tx, ids.slice(i, i + 200))) posts.set(post.id, post);
  return [...groups.values()].map(({ seen: _seen, ...group }) => ({
    ...group,
    post: group.postId === null ? null : (posts.get(group.postId) ?? null),
  }));
}
