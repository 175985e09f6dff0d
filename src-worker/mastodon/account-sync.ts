/**
 * Keeps one signed-in account's posts current in the local database.
 *
 * Each source (home, favourites, bookmarks, a list, a followed hashtag, mentions) is paged by its
 * Link headers; the server's trending posts are a ranking, not a timeline, and only their first
 * page is fetched, again and again. Backfill walks `rel="next"` (older) and stores, with every page and in the same
 * transaction, where it will continue: a restart resumes at the first page not stored. Catching up
 * walks `min_id` (the page immediately newer than the newest seen, so nothing in between is
 * skipped) until the newest page; it runs at start and after every streaming reconnect, because the
 * stream replays nothing. Favourites and bookmarks are paged by the server's own record ids, which
 * are not status ids: only their Link headers are followed.
 *
 * A revoked token marks the account "needs sign-in" and stops this account's sync alone. Which of
 * these run when, and what happens when one fails, is `AccountRunner`'s.
 */
import type { z } from 'zod';
import {
  accountSchema,
  filterV1Schema,
  listSchema,
  markersSchema,
  parseLeniently,
  tagSchema,
  type LenientResult,
  type MastodonMarkers,
} from '../../src-shared/mastodon/entities';
import type { Clock } from './clock';
import { MastodonError, whatWasSaid, type MastodonHttp } from './http';
import { REFRESH, type IngestResult, type PageCursor, type WorkerApi } from '../../src-shared/worker-api';

export interface Source {
  /** Also the engine's timeline name. */
  name: string;
  path: string;
  query?: Record<string, string | readonly string[]>;
  /** Whether the cursors in this source's Links are ids of the entries themselves. */
  idCursors: boolean;
  limit: number;
  /** Turns a response body into statuses (notifications carry theirs inside). */
  statuses?: (body: unknown[]) => unknown[];
}

export const SOURCES = {
  home: { name: 'home', path: '/api/v1/timelines/home', idCursors: true, limit: 40 },
  favourites: { name: 'favourites', path: '/api/v1/favourites', idCursors: false, limit: 40 },
  bookmarks: { name: 'bookmarks', path: '/api/v1/bookmarks', idCursors: false, limit: 40 },
  mentions: {
    name: 'notifications',
    path: '/api/v1/notifications',
    query: { types: ['mention'] },
    idCursors: false,
    limit: 80,
    // Servers that ignore `types[]` send every kind of notification: only mentions are kept.
    statuses: (body: unknown[]) =>
      body
        .filter((n) => (n as { type?: unknown } | null)?.type === 'mention')
        .map((n) => (n as { status?: unknown }).status)
        .filter((s) => s !== undefined && s !== null),
  },
  /** What is trending on the account's server: paged by offset, so only its first page is kept current. */
  trends: { name: 'trends', path: '/api/v1/trends/statuses', idCursors: false, limit: 40 },
} satisfies Record<string, Source>;

export function listSource(id: string): Source {
  return {
    name: `list:${id}`,
    path: `/api/v1/timelines/list/${encodeURIComponent(id)}`,
    idCursors: true,
    limit: 40,
  };
}

export function tagSource(tag: string): Source {
  const name = tag.toLowerCase();
  return {
    name: `tag:${name}`,
    path: `/api/v1/timelines/tag/${encodeURIComponent(name)}`,
    idCursors: true,
    limit: 40,
  };
}

export interface SyncProgress {
  pages: number;
  statuses: number;
  rejected: number;
  done: boolean;
}

export interface AccountSyncOptions {
  api: WorkerApi;
  http: MastodonHttp;
  accountId: number;
  clock: Clock;
  /** Stop a backfill after this many pages (it resumes from there next time). */
  maxPages?: number;
}

function param(url: string, name: string): string | undefined {
  try {
    return new URL(url).searchParams.get(name) ?? undefined;
  } catch {
    return undefined;
  }
}

export class AccountSync {
  readonly #options: AccountSyncOptions;
  #stopped = false;
  /**
   * Whether a page shorter than asked for is the last. Mastodon fills every page it can; other
   * servers (GoToSocial) check visibility after reading a page, so theirs can come back short
   * while more follow: there, only an empty page or a missing `next` link ends a backfill. Set
   * once the server is known to be Mastodon.
   */
  shortPageEnds = false;
  /** The query parameter that lists ids for fetching several statuses: Akkoma reads `ids[]`. */
  batchParam: 'id' | 'ids' = 'id';
  /** Fields dropped from what this sync parsed itself (statuses are counted by ingest). */
  readonly #dropped = new Map<string, number>();

  #parse<T>(schema: z.ZodType<T>, raw: unknown): LenientResult<T> {
    const parsed = parseLeniently(schema, raw);
    for (const [field, n] of parsed.dropped) this.#dropped.set(field, (this.#dropped.get(field) ?? 0) + n);
    return parsed;
  }

  /** The fields dropped since the last call, for the server's diagnostics; null when none were. */
  takeDiagnostics(): Record<string, number> | null {
    if (this.#dropped.size === 0) return null;
    const out = Object.fromEntries(this.#dropped);
    this.#dropped.clear();
    return out;
  }

  constructor(options: AccountSyncOptions) {
    this.#options = options;
  }

  get accountId(): number {
    return this.#options.accountId;
  }

  stop(): void {
    this.#stopped = true;
  }

  #url(source: Source, extra: Record<string, string> = {}): string {
    const url = new URL(source.path, `${this.#options.http.baseUrl}/`);
    url.searchParams.set('limit', String(source.limit));
    for (const [key, value] of Object.entries(source.query ?? {})) {
      if (Array.isArray(value)) for (const v of value) url.searchParams.append(`${key}[]`, v);
      else url.searchParams.set(key, value as string);
    }
    for (const [key, value] of Object.entries(extra)) url.searchParams.set(key, value);
    return url.href;
  }

  /** Fetches one page, waiting out a 206 ("feed regenerating") as often as the server asks. */
  async #fetch(
    url: string,
    signal?: AbortSignal,
  ): Promise<{ body: unknown[]; next: string | null; prev: string | null }> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.#options.http.request<unknown>({ path: url, signal });
      if (response.status === 206 && attempt < 20) {
        await this.#options.clock.sleep((response.retryAfterSeconds ?? 5) * 1000, signal);
        continue;
      }
      if (!Array.isArray(response.body))
        throw new MastodonError(
          'malformed',
          `${new URL(url).pathname} did not answer with a list.`,
          response.status,
        );
      return {
        body: response.body,
        next: response.links.get('next') ?? null,
        prev: response.links.get('prev') ?? null,
      };
    }
  }

  async #store(
    source: Source,
    statuses: unknown[],
    cursor: PageCursor | undefined,
    sync: { nextUrl?: string | null; newestId?: string | null; backfillDone?: boolean },
  ): Promise<IngestResult> {
    return this.#options.api.ingest.statuses({
      accountId: this.#options.accountId,
      timeline: source.name,
      statuses,
      cursor: source.idCursors ? cursor : undefined,
      limit: source.limit,
      fetchedAt: this.#options.clock.now(),
      sync: { source: source.name, ...sync },
    });
  }

  /**
   * Pages a source from where it stopped towards its oldest post. The first page ever fetched also
   * records the newest id, from which `catchUp` continues.
   */
  async backfill(source: Source, signal?: AbortSignal): Promise<SyncProgress> {
    const progress: SyncProgress = { pages: 0, statuses: 0, rejected: 0, done: false };
    const cursor = await this.#options.api.sync.cursor(this.#options.accountId, source.name);
    if (cursor?.backfillDone) return { ...progress, done: true };
    let url = cursor?.nextUrl ?? this.#url(source);
    const first = !cursor;
    while (!this.#stopped && progress.pages < (this.#options.maxPages ?? Number.POSITIVE_INFINITY)) {
      const page = await this.#fetch(url, signal);
      const statuses = source.statuses ? source.statuses(page.body) : page.body;
      const done =
        page.body.length === 0 ||
        page.next === null ||
        (this.shortPageEnds && page.body.length < source.limit);
      const newestId = first && progress.pages === 0 && page.prev ? param(page.prev, 'min_id') : undefined;
      const maxId = param(url, 'max_id');
      const result = await this.#store(source, statuses, maxId ? { maxId } : undefined, {
        nextUrl: done ? null : page.next,
        newestId,
        backfillDone: done,
      });
      progress.pages++;
      progress.statuses += result.inserted + result.updated + result.unchanged;
      progress.rejected += result.rejected.length;
      if (done) {
        progress.done = true;
        break;
      }
      url = page.next!;
    }
    return progress;
  }

  /** Fetches everything newer than the newest id seen, oldest first, with no gaps. */
  async catchUp(source: Source, signal?: AbortSignal): Promise<SyncProgress> {
    const progress: SyncProgress = { pages: 0, statuses: 0, rejected: 0, done: false };
    const cursor = await this.#options.api.sync.cursor(this.#options.accountId, source.name);
    if (!cursor?.newestId) {
      // Never fetched: the newest page is the catch-up, and backfill continues below it.
      const backfill = await this.backfill({ ...source }, signal);
      return { ...backfill, done: true };
    }
    let newest = cursor.newestId;
    while (!this.#stopped) {
      const url = this.#url(source, { min_id: newest });
      const page = await this.#fetch(url, signal);
      const statuses = source.statuses ? source.statuses(page.body) : page.body;
      const next = (page.prev ? param(page.prev, 'min_id') : undefined) ?? newest;
      const result = await this.#store(source, statuses, { minId: newest }, { newestId: next });
      progress.pages++;
      progress.statuses += result.inserted + result.updated + result.unchanged;
      progress.rejected += result.rejected.length;
      // Mastodon fills every page it can; on other servers only an empty page, or no newer link,
      // is the end.
      if (page.body.length === 0 || next === newest) break;
      if (this.shortPageEnds && page.body.length < source.limit) break;
      newest = next;
    }
    progress.done = true;
    return progress;
  }

  /** Fills the holes the engine found between stored stretches of a timeline. */
  async fillGaps(source: Source, signal?: AbortSignal): Promise<number> {
    let pages = 0;
    for (let round = 0; round < 50 && !this.#stopped; round++) {
      const gaps = await this.#options.api.timeline.gaps(this.#options.accountId, source.name);
      if (gaps.length === 0) break;
      const gap = gaps[0]!;
      const page = await this.#fetch(this.#url(source, { max_id: gap.olderThan }), signal);
      await this.#store(
        source,
        source.statuses ? source.statuses(page.body) : page.body,
        { maxId: gap.olderThan },
        {},
      );
      pages++;
      if (page.body.length === 0) break;
    }
    return pages;
  }

  /** Every page of a plain list endpoint (mutes, blocks, follows, followed tags), following its Links. */
  async #all(path: string, limit: number, signal?: AbortSignal): Promise<unknown[]> {
    const items: unknown[] = [];
    let url: string | null = new URL(`${path}?limit=${limit}`, `${this.#options.http.baseUrl}/`).href;
    for (let pages = 0; url && pages < 100; pages++) {
      const page = await this.#fetch(url, signal);
      items.push(...page.body);
      url = page.body.length > 0 ? page.next : null;
    }
    return items;
  }

  /**
   * The account's server-side filters: v2, or v1 (one phrase each) on servers without v2, stored
   * as v2 filters. Returns how many were stored.
   */
  async refreshFilters(version: 1 | 2, signal?: AbortSignal): Promise<number> {
    const { api, http, accountId } = this.#options;
    const response = await http.request<unknown>({ path: `/api/v${version}/filters`, signal });
    if (!Array.isArray(response.body))
      throw new MastodonError('malformed', `/api/v${version}/filters did not answer with a list.`);
    const filters = version === 2 ? response.body : response.body.map(filterFromV1);
    return (await api.sync.saveFilters(accountId, filters)).saved;
  }

  /** Whom the account mutes or blocks. */
  async refreshRelations(kind: 'mute' | 'block', signal?: AbortSignal): Promise<number> {
    const { api, accountId } = this.#options;
    const accounts = await this.#all(kind === 'mute' ? '/api/v1/mutes' : '/api/v1/blocks', 80, signal);
    return (await api.sync.saveRelations(accountId, kind, accounts)).saved;
  }

  /** The ids of the account's lists. */
  async refreshLists(signal?: AbortSignal): Promise<string[]> {
    const lists = await this.#options.http.request<unknown>({ path: '/api/v1/lists', signal });
    if (!Array.isArray(lists.body))
      throw new MastodonError('malformed', '/api/v1/lists did not answer with a list.');
    const read = lists.body.flatMap((raw) => {
      const parsed = this.#parse(listSchema, raw);
      return parsed.success
        ? [{ id: parsed.data.id, title: parsed.data.title || `List ${parsed.data.id}` }]
        : [];
    });
    // Their titles, for the reader to open them by.
    await this.#options.api.sync.saveLists(this.#options.accountId, read);
    return read.map((list) => list.id);
  }

  /** The names of the hashtags the account follows. */
  async refreshFollowedTags(signal?: AbortSignal): Promise<string[]> {
    return (await this.#all('/api/v1/followed_tags', 200, signal)).flatMap((raw) => {
      const parsed = this.#parse(tagSchema, raw);
      return parsed.success ? [parsed.data.name] : [];
    });
  }

  /** Where the person last read their home timeline, by Mastodon's markers (another app's too). */
  async readMarkers(signal?: AbortSignal): Promise<MastodonMarkers> {
    const response = await this.#options.http.request<unknown>({
      path: '/api/v1/markers',
      query: { timeline: ['home', 'notifications'] },
      signal,
    });
    const parsed = this.#parse(markersSchema, response.body);
    if (!parsed.success) throw new MastodonError('malformed', '/api/v1/markers did not answer with markers.');
    return parsed.data;
  }

  /**
   * Trades reading positions with the server: what the server keeps (another app's reading
   * included) is stored, and where the person read further here is sent. A save refused because
   * another app saved at the same moment (409) waits for the next round. Returns how many were sent.
   */
  async syncMarkers(signal?: AbortSignal): Promise<number> {
    const { api, http, accountId } = this.#options;
    const markers = await this.readMarkers(signal);
    const read = (['home', 'notifications'] as const).flatMap((timeline) => {
      const marker = markers[timeline];
      if (!marker) return [];
      const updatedAt = marker.updated_at ? Date.parse(marker.updated_at) : NaN;
      return [
        {
          timeline,
          lastReadId: marker.last_read_id,
          updatedAt: Number.isFinite(updatedAt) ? updatedAt : null,
        },
      ];
    });
    await api.sync.saveServerMarkers(accountId, read);
    const send = await api.sync.markersToSend(accountId);
    if (send.length === 0) return 0;
    try {
      const saved = await http.request<unknown>({
        method: 'POST',
        path: '/api/v1/markers',
        body: Object.fromEntries(send.map((m) => [m.timeline, { last_read_id: m.lastReadId }])),
        signal,
      });
      const parsed = this.#parse(markersSchema, saved.body);
      const now = this.#options.clock.now();
      await api.sync.saveServerMarkers(
        accountId,
        send.map((m) => ({
          ...m,
          lastReadId: (parsed.success ? parsed.data[m.timeline]?.last_read_id : undefined) ?? m.lastReadId,
          updatedAt: now,
        })),
      );
      return send.length;
    } catch (error) {
      if (error instanceof MastodonError && error.status === 409) return 0;
      throw error;
    }
  }

  /**
   * Fetches whom the account follows, every page of it (thousands of accounts take a while, so
   * the service does this in the background, not before the timeline starts). Returns how many.
   */
  async refreshFollows(signal?: AbortSignal): Promise<number> {
    const { api, http, accountId } = this.#options;
    const me = await http.request<unknown>({ path: '/api/v1/accounts/verify_credentials', signal });
    const account = this.#parse(accountSchema, me.body);
    if (!account.success) throw new MastodonError('malformed', 'verify_credentials returned no account id');
    const following = await this.#all(
      `/api/v1/accounts/${encodeURIComponent(account.data.id)}/following`,
      80,
      signal,
    );
    return (await api.sync.saveRelations(accountId, 'follow', following)).saved;
  }

  /** The newest page of a source, recording where catching up continues. */
  async newest(source: Source, signal?: AbortSignal): Promise<SyncProgress> {
    const page = await this.#fetch(this.#url(source), signal);
    const statuses = source.statuses ? source.statuses(page.body) : page.body;
    const newestId = page.prev ? param(page.prev, 'min_id') : undefined;
    const result = await this.#store(source, statuses, undefined, { newestId, nextUrl: page.next });
    return {
      pages: 1,
      statuses: result.inserted + result.updated + result.unchanged,
      rejected: result.rejected.length,
      done: true,
    };
  }

  /**
   * Refreshes the counts (and edits, and the account's own flags) of its posts from the last
   * `days`, 20 per request as Mastodon allows.
   */
  async refreshCounts(days = 2, signal?: AbortSignal): Promise<number> {
    const { api, http, accountId, clock } = this.#options;
    const ids = await api.sync.recentRemoteIds(accountId, clock.now() - days * 86_400_000, 2000);
    let refreshed = 0;
    for (let i = 0; i < ids.length && !this.#stopped; i += 20) {
      const response = await http.request<unknown>({
        path: '/api/v1/statuses',
        query: { [this.batchParam]: ids.slice(i, i + 20) },
        signal,
      });
      if (!Array.isArray(response.body)) continue;
      const result = await api.ingest.statuses({
        accountId,
        timeline: REFRESH,
        statuses: response.body,
        fetchedAt: clock.now(),
      });
      refreshed += result.updated + result.unchanged;
    }
    return refreshed;
  }

  /**
   * Notifications of every kind that came since the newest one stored (the newest 80 on a first
   * run), a few pages at most per run; how many were new.
   */
  async refreshNotifications(signal?: AbortSignal): Promise<number> {
    const { api, http, accountId } = this.#options;
    let stored = 0;
    for (let page = 0; page < 5 && !this.#stopped; page++) {
      const since = await api.ingest.newestNotification(accountId);
      const response = await http.request<unknown>({
        path: '/api/v1/notifications',
        query: { limit: '80', ...(since ? { min_id: since } : {}) },
        signal,
      });
      if (!Array.isArray(response.body))
        throw new MastodonError('malformed', '/api/v1/notifications did not answer with a list.');
      const saved = await api.ingest.notifications(accountId, response.body);
      stored += saved.stored;
      // The first run takes the newest page only; later runs follow what came since.
      if (!since || response.body.length < 80 || saved.stored === 0) break;
    }
    return stored;
  }

  /**
   * The thread around one of the account's posts, as its server knows it (GET …/context): what it
   * answers and every reply the server has, stored as posts (not timeline entries). Returns how many
   * the server sent.
   */
  async fetchThread(remoteId: string, signal?: AbortSignal): Promise<number> {
    const { api, http, accountId, clock } = this.#options;
    const response = await http.request<unknown>({
      path: `/api/v1/statuses/${encodeURIComponent(remoteId)}/context`,
      kind: 'interactive',
      signal,
    });
    const body = response.body as { ancestors?: unknown; descendants?: unknown } | null;
    const statuses = [body?.ancestors, body?.descendants].flatMap((list) =>
      Array.isArray(list) ? list : [],
    );
    if (statuses.length === 0) return 0;
    await api.ingest.statuses({ accountId, timeline: REFRESH, statuses, fetchedAt: clock.now() });
    return statuses.length;
  }

  /** Runs a step; a token the server no longer accepts marks the account and stops its sync. */
  async #guard<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof MastodonError)) throw error;
      if (this.refusal) {
        if ((error.kind === 'unauthorized' || error.kind === 'forbidden') && (await this.refusal(error)))
          this.#stopped = true;
      } else if (error.kind === 'unauthorized') {
        this.#stopped = true;
        await this.#options.api.accounts.setState(
          this.#options.accountId,
          'needs_sign_in',
          refusedTokenReason(this.#options.http.baseUrl, error),
        );
      }
      throw error;
    }
  }

  /**
   * Decides whether a 401 or 403 means the token was refused (and acts on it), where the account
   * runs under an `AccountRunner`, which asks the server first; true when it was.
   */
  refusal: ((error: MastodonError) => Promise<boolean>) | null = null;

  /** `step` with the revoked-token rule applied, for callers outside this class. */
  guard<T>(step: () => Promise<T>): Promise<T> {
    return this.#guard(step);
  }
}

/** What the person reads when the server refuses the token, and what they can do. */
export function refusedTokenReason(baseUrl: string, error: MastodonError): string {
  const host = new URL(baseUrl).host;
  return `${host} no longer accepts Corgi's access (${whatWasSaid(error, host)}): it may have been revoked in the account's settings. Sign in again to go on.`;
}

/**
 * A v1 filter as the v2 filter it amounts to: its phrase the one keyword, "irreversible" (dropped
 * by the server) as "hide", the others as "warn". One that cannot be read is passed on as it came,
 * for the engine to refuse with its reason.
 */
export function filterFromV1(raw: unknown): unknown {
  const parsed = parseLeniently(filterV1Schema, raw);
  if (!parsed.success) return raw;
  const f = parsed.data;
  return {
    id: f.id,
    title: f.phrase,
    context: f.context,
    expires_at: f.expires_at,
    filter_action: f.irreversible ? 'hide' : 'warn',
    keywords: [{ id: f.id, keyword: f.phrase, whole_word: f.whole_word }],
    statuses: [],
  };
}
