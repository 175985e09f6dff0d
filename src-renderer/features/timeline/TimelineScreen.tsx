import { useCallback } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { RefreshCw } from 'lucide-react';
import type { TimelineQuery } from '../../../src-shared/worker-api';
import { useUi } from '../../state/store';
import { accountsQuery } from '../accounts/queries';
import { PostList } from '../post/PostList';
import { showNewPosts } from './commands';
import { newPostsQuery, timelineQuery } from './queries';

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
  const initialScroll = useUi.getState().scrollTops[place] ?? 0;
  const timeline = useInfiniteQuery(timelineQuery(order, accountId));
  const newPosts = useQuery(newPostsQuery).data ?? 0;
  const accounts = useQuery(accountsQuery).data ?? [];
  const posts = timeline.data?.pages.flatMap((p) => p.posts) ?? [];
  const onScrolled = useCallback((top: number) => rememberScroll(place, top), [rememberScroll, place]);
  const loadMore = useCallback(() => void timeline.fetchNextPage(), [timeline]);
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
      <PostList
        key={place}
        posts={posts}
        label="Timeline"
        empty={timeline.isPending ? 'Loading…' : 'No posts stored yet.'}
        recordViews
        hasMore={timeline.hasNextPage}
        loadingMore={timeline.isFetchingNextPage}
        onLoadMore={loadMore}
        initialScroll={initialScroll}
        onScrolled={onScrolled}
      />
    </div>
  );
}
