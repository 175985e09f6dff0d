/**
 * Worker data lives in one query cache. Nothing in it goes stale by time: it goes stale when the
 * worker says a committed write changed its domain, so no screen polls.
 */
import * as Comlink from 'comlink';
import { useEffect, useState } from 'react';
import { QueryClient, type Query, type QueryKey } from '@tanstack/react-query';
import type { ChangeDomain, DataChange, PostListQuery, TimelineQuery } from '../../src-shared/worker-api';
import type { EngineClient } from '../engine-client';
import { afterPaint } from '../ui/after-paint';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: Number.POSITIVE_INFINITY,
      // The worker is on this machine: an error is not a network blip that a retry would cure.
      retry: false,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
    },
  },
});

export const keys = {
  status: ['status'],
  timeline: (order: TimelineQuery['order'], accountId: number | null) => ['timeline', order, accountId],
  post: (id: number) => ['post', id],
  list: (of: PostListQuery['of']) => ['list', of],
  thread: (id: number) => ['thread', id],
  sources: ['timeline-sources'],
  newPosts: ['new-posts'],
  search: (query: string) => ['search', query],
  serverSearch: (query: string) => ['server-search', query],
  profile: (acct: string) => ['profile', acct],
  readingPosition: (accountId: number | null) => ['reading-position', accountId],
  unreadNotifications: ['notifications', 'unread'],
  accounts: ['accounts'],
  syncStatus: ['sync-status'],
  failedActions: ['outbox', 'failed'],
  ranking: ['ranking-settings'],
  privacy: ['privacy'],
  retention: ['retention'],
  imageHosts: ['image-hosts'],
} as const;

/**
 * The queries each domain's change makes stale. A timeline's order is not among them: what is on
 * screen never reshuffles under the reader; new posts wait behind "new posts", and the posts shown
 * are read again (their counts, flags, edits) through `post`.
 */
const STALE_AFTER: Record<ChangeDomain, readonly QueryKey[]> = {
  posts: [keys.status, ['post'], ['search'], ['thread'], keys.newPosts, keys.retention],
  // (A followed hashtag is known by its timeline's cursor.)
  timelines: [keys.newPosts, keys.sources],
  feed: [keys.newPosts],
  // (A post as shown holds nothing of the interactions table: its flags are the accounts' own.)
  interactions: [keys.ranking],
  outbox: [['post'], ['outbox']],
  // An account removed takes its posts' flags and its queued actions with it (by foreign key).
  accounts: [keys.accounts, keys.syncStatus, ['post'], ['outbox'], keys.sources],
  servers: [keys.syncStatus],
  sync: [keys.syncStatus],
  notifications: [['notifications']],
  settings: [keys.privacy, keys.ranking, keys.retention],
  ranking: [keys.ranking],
  markers: [['reading-position'], keys.unreadNotifications],
  images: [keys.imageHosts],
  // (The home timeline is read again from its start, see invalidateOnChange, and its posts with it.)
  firstPage: [keys.newPosts, ['post']],
};

/** Changes are gathered this long before the cache hears them: a sync commits many pages a second. */
const GATHER_MS = 150;

/**
 * Counts shown as a hint (posts stored, new posts waiting), and the notifications read ahead, are
 * read again at most this often: each is a scan in the worker, and asked after every page a sync
 * stores they would keep whatever the person opens waiting behind them.
 */
const COUNTS_EVERY_MS = 2000;
const COUNTS: readonly QueryKey[] = [keys.status, keys.newPosts];

/** A timeline with nothing in it has nothing to reshuffle: it shows what arrives. */
function isEmptyTimeline(query: Query): boolean {
  const data = query.state.data as { pages?: { posts: unknown[] }[] } | undefined;
  return data?.pages?.[0]?.posts.length === 0;
}

/** Subscribes the cache to the worker's change events; returns how to stop. */
export async function invalidateOnChange(api: EngineClient, client = queryClient): Promise<() => void> {
  let pending = new Set<ChangeDomain>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const counts = new Map<string, QueryKey>();
  let countsTimer: ReturnType<typeof setTimeout> | null = null;
  let countsAt = Number.NEGATIVE_INFINITY;
  let notificationsAhead = false;
  const flushCounts = (): void => {
    countsTimer = null;
    countsAt = performance.now();
    for (const key of counts.values()) void client.invalidateQueries({ queryKey: key });
    counts.clear();
    // The notifications read ahead (no screen shows them now) are read again as seldom, so that
    // opening them finds them current instead of reading them then.
    if (notificationsAhead) void client.refetchQueries({ queryKey: ['notifications'], type: 'inactive' });
    notificationsAhead = false;
  };
  const later = (): void => {
    countsTimer ??= setTimeout(flushCounts, Math.max(0, countsAt + COUNTS_EVERY_MS - performance.now()));
  };
  const flush = (): void => {
    timer = null;
    const domains = pending;
    pending = new Set();
    const stale = new Map<string, QueryKey>();
    for (const domain of domains)
      for (const key of STALE_AFTER[domain] ?? []) stale.set(JSON.stringify(key), key);
    for (const key of COUNTS) {
      const name = JSON.stringify(key);
      if (!stale.delete(name)) continue;
      counts.set(name, key);
      later();
    }
    if (domains.has('notifications')) {
      notificationsAhead = true;
      later();
    }
    for (const key of stale.values()) void client.invalidateQueries({ queryKey: key });
    // The first page the app opened with was older than the database (a change made just before
    // it was last closed): the home timeline is read again from its start, the one time its order
    // may change under the reader, within a moment of opening. (What is on screen stays until the
    // new pages replace it.)
    if (domains.has('firstPage')) void client.invalidateQueries({ queryKey: keys.timeline('ranked', null) });
    if (domains.has('timelines') || domains.has('feed') || domains.has('posts'))
      for (const list of ['timeline', 'list'])
        void client.invalidateQueries({ queryKey: [list], predicate: isEmptyTimeline });
  };
  const id = await api.events.subscribe(
    Comlink.proxy((change: DataChange) => {
      for (const domain of change.domains) pending.add(domain);
      timer ??= setTimeout(flush, GATHER_MS);
    }),
  );
  return () => {
    if (timer) clearTimeout(timer);
    if (countsTimer) clearTimeout(countsTimer);
    void api.events.unsubscribe(id);
  };
}

let firstPageCame = false;
const firstPageWaiters = new Set<() => void>();

/**
 * Resolves once the timeline's first page has come and is painted, or two seconds after it is
 * first asked.
 */
export function firstPage(): Promise<void> {
  if (firstPageCame) return Promise.resolve();
  return new Promise((resolve) => {
    firstPageWaiters.add(resolve);
    const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
      if (event.query.queryKey[0] === 'timeline' && event.query.state.data !== undefined) came();
    });
    const timer = setTimeout(came, 2000);
    function came() {
      unsubscribe();
      clearTimeout(timer);
      // What waits (the counts, the side bar's lists, the sync) is asked for once the page's cards
      // are painted: not drawn, nor its questions sent, in the same task as them. A hidden page
      // paints no frames: it goes on a moment later.
      const go = () => {
        clearTimeout(hidden);
        if (firstPageCame) return;
        firstPageCame = true;
        for (const waiter of firstPageWaiters) waiter();
        firstPageWaiters.clear();
      };
      const hidden = setTimeout(go, 200);
      afterPaint(go);
    }
  });
}

/**
 * False until the timeline's first page has come (or two seconds have passed): what is not the
 * timeline (the unread count, the lists in the side bar) waits, so that the worker answers the
 * first page first.
 */
export function useAfterFirstPage(): boolean {
  const [ready, setReady] = useState(firstPageCame);
  useEffect(() => {
    if (!ready) void firstPage().then(() => setReady(true));
  }, [ready]);
  return ready;
}
