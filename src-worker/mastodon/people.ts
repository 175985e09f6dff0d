/**
 * People and search on an account's server: someone's profile and their newest posts, how the
 * account stands with them (follow, mute, block, and the undo of each), and the server's search.
 * Each is asked for when the person opens a view, not kept in step in the background; what comes
 * back is parsed as leniently as the timelines are, and the posts are stored like any others.
 */
import {
  accountSchema,
  parseLeniently,
  relationshipSchema,
  type MastodonAccount,
} from '../../src-shared/mastodon/entities';
import {
  REFRESH,
  type AuthorView,
  type ProfileView,
  type RelationAction,
  type RelationshipView,
  type ServerSearchResult,
  type WorkerApi,
} from '../../src-shared/worker-api';
import { emojisOf } from '../store/post-extras';
import { MastodonError, type MastodonHttp } from './http';

export interface PeopleOptions {
  api: WorkerApi;
  http: MastodonHttp;
  accountId: number;
  /** The account's own server, which leaves its own domain out of handles. */
  instance: string;
}

const interactive = { kind: 'interactive', maxRetries: 1 } as const;

function httpsOrNull(value: string | null | undefined): string | null {
  return value && /^https:\/\//i.test(value) ? value : null;
}

/** A handle with its server, as Corgi keeps them ("ana@example.social"). */
export function fullAcct(acct: string, instance: string): string {
  return (acct.includes('@') ? acct : `${acct}@${instance}`).toLowerCase();
}

function relationshipOf(raw: unknown): RelationshipView | null {
  const parsed = parseLeniently(relationshipSchema, raw);
  if (!parsed.success) return null;
  const r = parsed.data;
  return {
    following: r.following === true,
    requested: r.requested === true,
    followedBy: r.followed_by === true,
    muting: r.muting === true,
    blocking: r.blocking === true,
    blockedBy: r.blocked_by === true,
  };
}

function authorOf(account: MastodonAccount, instance: string): AuthorView {
  return {
    acct: fullAcct(account.acct, instance),
    displayName: account.display_name ?? '',
    avatarUrl: httpsOrNull(account.avatar_static ?? account.avatar),
    url: httpsOrNull(account.url),
    bot: account.bot === true,
    emojis: emojisOf(account.emojis),
  };
}

/**
 * The account behind a handle, by `accounts/lookup`, or by a search that resolves it where the
 * server has no lookup or has not met the account yet.
 */
async function findAccount({ http, instance }: PeopleOptions, acct: string): Promise<MastodonAccount> {
  const local = acct.endsWith(`@${instance}`) ? acct.slice(0, -instance.length - 1) : acct;
  try {
    const found = await http.request<unknown>({
      path: '/api/v1/accounts/lookup',
      query: { acct: local },
      ...interactive,
    });
    const parsed = parseLeniently(accountSchema, found.body);
    if (parsed.success) return parsed.data;
  } catch (error) {
    if (!(error instanceof MastodonError) || (error.kind !== 'not_found' && error.kind !== 'rejected'))
      throw error;
  }
  const searched = await http.request<{ accounts?: unknown }>({
    path: '/api/v2/search',
    query: { q: `@${acct}`, type: 'accounts', resolve: true, limit: 5 },
    ...interactive,
  });
  const accounts = Array.isArray(searched.body?.accounts) ? searched.body.accounts : [];
  for (const raw of accounts) {
    const parsed = parseLeniently(accountSchema, raw);
    if (parsed.success && fullAcct(parsed.data.acct, instance) === acct) return parsed.data;
  }
  throw new MastodonError('not_found', `${instance} does not know @${acct}.`);
}

async function relationship(options: PeopleOptions, id: string): Promise<RelationshipView | null> {
  try {
    const answer = await options.http.request<unknown>({
      path: '/api/v1/accounts/relationships',
      query: { id: [id] },
      ...interactive,
    });
    return Array.isArray(answer.body) ? relationshipOf(answer.body[0]) : null;
  } catch (error) {
    // A profile is still worth showing without it.
    if (error instanceof MastodonError && error.kind !== 'network' && error.kind !== 'unauthorized')
      return null;
    throw error;
  }
}

/** Someone's profile, how the account stands with them, and their newest posts, stored. */
export async function fetchProfile(options: PeopleOptions, acct: string): Promise<ProfileView> {
  const { api, http, accountId, instance } = options;
  const account = await findAccount(options, fullAcct(acct, instance));
  const id = encodeURIComponent(account.id);
  const [related, posts] = await Promise.all([
    relationship(options, account.id),
    http.request<unknown>({ path: `/api/v1/accounts/${id}/statuses`, query: { limit: 40 }, ...interactive }),
  ]);
  const statuses = Array.isArray(posts.body) ? posts.body : [];
  if (statuses.length > 0) await api.ingest.statuses({ accountId, timeline: REFRESH, statuses });
  const count = (value: number | undefined) => (typeof value === 'number' ? value : null);
  const joined = account.created_at ? Date.parse(account.created_at) : NaN;
  return {
    ...authorOf(account, instance),
    emojis: emojisOf(account.emojis),
    viaAccountId: accountId,
    note: account.note ?? '',
    headerUrl: httpsOrNull(account.header),
    locked: account.locked === true,
    fields: (account.fields ?? []).map((f) => ({
      name: f.name ?? '',
      value: f.value ?? '',
      verified: typeof f.verified_at === 'string',
    })),
    followers: count(account.followers_count),
    following: count(account.following_count),
    posts: count(account.statuses_count),
    joinedAt: Number.isFinite(joined) ? joined : null,
    relationship: related,
    fetched: statuses.length,
  };
}

const RELATION_KIND = {
  follow: ['follow', true],
  unfollow: ['follow', false],
  mute: ['mute', true],
  unmute: ['mute', false],
  block: ['block', true],
  unblock: ['block', false],
} as const satisfies Record<RelationAction, readonly ['follow' | 'mute' | 'block', boolean]>;

/**
 * Follows, mutes or blocks (or undoes it), then keeps what the server now says in the account's
 * stored follows, mutes and blocks, which the timeline and ranking read.
 */
export async function relate(
  options: PeopleOptions,
  acct: string,
  action: RelationAction,
): Promise<RelationshipView> {
  const { api, http, accountId, instance } = options;
  const full = fullAcct(acct, instance);
  const account = await findAccount(options, full);
  const answer = await http.request<unknown>({
    method: 'POST',
    path: `/api/v1/accounts/${encodeURIComponent(account.id)}/${action}`,
    ...interactive,
  });
  const now = relationshipOf(answer.body);
  if (!now) throw new MastodonError('malformed', `${instance} did not answer with a relationship.`);
  const [kind] = RELATION_KIND[action];
  const on = kind === 'follow' ? now.following : kind === 'mute' ? now.muting : now.blocking;
  await api.sync.setRelation(accountId, kind, full, on);
  if (kind === 'block' && on) await api.sync.setRelation(accountId, 'follow', full, false);
  return now;
}

/** The server's search: people and hashtags, and the posts it finds, stored. */
export async function searchServer(options: PeopleOptions, query: string): Promise<ServerSearchResult> {
  const { api, http, accountId, instance } = options;
  const answer = await http.request<{ accounts?: unknown; hashtags?: unknown; statuses?: unknown }>({
    path: '/api/v2/search',
    query: { q: query, resolve: true, limit: 20 },
    ...interactive,
  });
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const accounts = list(answer.body?.accounts).flatMap((raw) => {
    const parsed = parseLeniently(accountSchema, raw);
    return parsed.success ? [authorOf(parsed.data, instance)] : [];
  });
  const hashtags = list(answer.body?.hashtags).flatMap((raw) => {
    // Mastodon sends Tag objects; servers on API v1 sent bare names.
    const name = typeof raw === 'string' ? raw : (raw as { name?: unknown } | null)?.name;
    return typeof name === 'string' && /^[\p{L}\p{N}_]{1,100}$/u.test(name) ? [name.toLowerCase()] : [];
  });
  const statuses = list(answer.body?.statuses);
  let statusIds: number[] = [];
  if (statuses.length > 0) {
    await api.ingest.statuses({ accountId, timeline: REFRESH, statuses });
    const remoteIds = statuses.flatMap((s) => {
      const id = (s as { id?: unknown } | null)?.id;
      return typeof id === 'string' ? [id] : [];
    });
    statusIds = await api.sync.statusIdsFor(accountId, remoteIds);
  }
  return { viaAccountId: accountId, accounts, hashtags: [...new Set(hashtags)], statusIds };
}

/** One's own post's text as written (`…/source`), for editing it. */
export async function statusSource(
  { http }: PeopleOptions,
  remoteId: string,
): Promise<{ text: string; spoilerText: string }> {
  const answer = await http.request<{ text?: unknown; spoiler_text?: unknown }>({
    path: `/api/v1/statuses/${encodeURIComponent(remoteId)}/source`,
    ...interactive,
  });
  const text = answer.body?.text;
  if (typeof text !== 'string') throw new MastodonError('malformed', 'The server sent no text for the post.');
  return { text, spoilerText: typeof answer.body?.spoiler_text === 'string' ? answer.body.spoiler_text : '' };
}
