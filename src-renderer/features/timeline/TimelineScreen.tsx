import { useCallback, useEffect, useRef, useState } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { RefreshCw } from 'lucide-react';
import type { VirtualItem } from '@tanstack/react-virtual';
import type { PostView, TimelineQuery } from '../../../src-shared/worker-api';
import { useUi } from '../../state/store';
import { accountsQuery } from '../accounts/queries';
import { PostList } from '../post/PostList';
import { showNewPosts } from './commands';
import { newPostsQuery, readingPositionQuery, timelineQuery } from './queries';
import { engine } from '../../app/engine';
import { useAfterFirstPage } from '../../app/query';
import { RelativeTime } from '../../ui/RelativeTime';

/** How far back a reading position is looked for, in pages, before the timeline opens at the top. */
const POSITION_PAGES = 20;

const ORDERS: [TimelineQuery['order'], string][] = [
  ['ranked', 'Ranked'],
  ['chronological', 'Newest first'],
];

/** The home timeline, ranked or newest first, across every account or one of them. */
export function TimelineScreen() {
  const order = useUi((s) => s.order);
  const accountId = useUi((s) => s.timelineAccount);
  const setOrder = useUi((s) => s.setOrder);
  const setAccount = useUi((s) => s.setTimelineAccount);
  const rememberScroll = useUi((s) => s.rememberScroll);
  const place = `${order}:${accountId ?? 'all'}`;
  // Read once as the list mounts: where the reader left this timeline.
  const initialScroll = useUi.getState().scrollTops[place];
  const timeline = useInfiniteQuery(timelineQuery(order, accountId));
  // (Asked once the first page has come: the worker answers the page first.)
  const newPosts = useQuery({ ...newPostsQuery, enabled: useAfterFirstPage() }).data ?? 0;
  const accounts = useQuery(accountsQuery).data ?? [];
  const posts = timeline.data?.pages.flatMap((p) => p.posts) ?? [];
  const onScrolled = useCallback(
    (top: number, measurements?: VirtualItem[]) => rememberScroll(place, top, measurements),
    [rememberScroll, place],
  );
  const loadMore = useCallback(() => void timeline.fetchNextPage(), [timeline]);
  const reading = useReadingPosition(order === 'chronological', accountId, place, posts, timeline);
  const [generation, setGeneration] = useState(0);
  return (
    <div className="screen timeline-screen">
      <div className="screen-bar">
        <h1 className="screen-title">Home</h1>
        <div className="segmented" role="group" aria-label="Order">
          {ORDERS.map(([value, label]) => (
            <button key={value} type="button" aria-pressed={order === value} onClick={() => setOrder(value)}>
              {label}
            </button>
          ))}
        </div>
        {accounts.length > 1 && (
          <select
            aria-label="Whose timeline"
            value={accountId ?? ''}
            onChange={(e) => setAccount(e.currentTarget.value === '' ? null : Number(e.currentTarget.value))}
          >
            <option value="">All accounts</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                @{a.acct}
              </option>
            ))}
          </select>
        )}
        <button
          type="button"
          className="icon-button"
          aria-label="Refresh"
          title="Refresh"
          onClick={() => void showNewPosts()}
        >
          <RefreshCw aria-hidden="true" size={18} />
        </button>
      </div>
      {newPosts > 0 && (
        <button type="button" className="new-posts" onClick={() => void showNewPosts()}>
          {newPosts === 1 ? '1 new post' : `${newPosts} new posts`}
        </button>
      )}
      {reading.startAt !== null && reading.position && (
        <p className="reading-position" role="status">
          You left off here
          {reading.position.from === 'server' ? ' in another app' : ''},{' '}
          <RelativeTime at={reading.position.savedAt} />.{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              reading.dismiss();
              rememberScroll(place, 0);
              setGeneration(generation + 1);
            }}
          >
            Back to the newest
          </button>
        </p>
      )}
      <PostList
        key={`${place}:${generation}`}
        posts={posts}
        label="Timeline"
        empty={timeline.isPending ? 'Loading…' : 'No posts stored yet.'}
        recordViews
        hasMore={timeline.hasNextPage}
        loadingMore={timeline.isFetchingNextPage}
        onLoadMore={loadMore}
        initialScroll={generation > 0 ? undefined : initialScroll}
        onScrolled={onScrolled}
        startAt={generation > 0 ? null : reading.startAt}
        onTopPost={reading.onTopPost}
      />
    </div>
  );
}

/**
 * The chronological timeline opens where the reading stopped (here, or in another app through the
 * server's markers) the first time it is shown, and the post at the top is kept as the reading
 * position as the person reads on. Nothing is recorded until the opening place is settled, so the
 * newest post drawn first never counts as read past the position.
 */
function useReadingPosition(
  chronological: boolean,
  accountId: number | null,
  place: string,
  posts: PostView[],
  timeline: {
    hasNextPage: boolean;
    isFetchingNextPage: boolean;
    fetchNextPage(): unknown;
    data?: { pages: unknown[] };
  },
) {
  const settled = useUi((s) => s.positioned[place]);
  const positioned = settled !== undefined;
  const settle = useUi((s) => s.settlePosition);
  const position = useQuery({ ...readingPositionQuery(accountId), enabled: chronological && !positioned });
  const index = position.data ? posts.findIndex((p) => p.id === position.data!.statusId) : -1;
  const pages = timeline.data?.pages.length ?? 0;
  const searching =
    chronological &&
    !positioned &&
    (position.isPending ||
      (position.data !== null && index < 0 && timeline.hasNextPage && pages < POSITION_PAGES));
  useEffect(() => {
    if (searching && position.data && index < 0 && !timeline.isFetchingNextPage)
      void timeline.fetchNextPage();
  }, [searching, position.data, index, timeline]);
  // Settled: at the position (when it is not the newest post), or at the top.
  useEffect(() => {
    if (chronological && !positioned && !searching) settle(place, index > 0 ? index : null);
  }, [chronological, positioned, searching, index, place, settle]);
  const last = useRef<number | null>(null);
  const onTopPost = useCallback((post: PostView) => {
    if (last.current === post.id) return;
    last.current = post.id;
    engine()
      .timeline.markRead(post.id)
      .catch((error: unknown) => useUi.getState().report(error));
  }, []);
  return {
    position: position.data ?? null,
    startAt: chronological ? (settled?.startAt ?? null) : null,
    onTopPost: chronological && positioned ? onTopPost : undefined,
    dismiss: () => settle(place, null),
  };
}
