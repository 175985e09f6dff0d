import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { TimelineQuery } from '../../../src-shared/worker-api';
import { engine } from '../../app/engine';
import { keys } from '../../app/query';
import { FIRST_PAGE_SIZE } from '../../boot';

export const PAGE_SIZE = 40;

/**
 * A timeline as it was served, page by page. The change events never refetch it (that would
 * reshuffle what the person reads): it starts again when they ask for new posts or change order.
 */
export const timelineQuery = (order: TimelineQuery['order'], accountId: number | null) =>
  infiniteQueryOptions({
    queryKey: keys.timeline(order, accountId),
    queryFn: ({ pageParam }) =>
      engine().timeline.page({
        order,
        // The first page holds what fills a window and some: it comes sooner; the rest follow.
        limit: pageParam === null ? FIRST_PAGE_SIZE : PAGE_SIZE,
        cursor: pageParam,
        ...(accountId === null ? {} : { accountId }),
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

/** Posts that arrived since the timeline was ranked. */
export const newPostsQuery = queryOptions({
  queryKey: keys.newPosts,
  queryFn: () => engine().ranking.newPosts(),
});

export const engineStatusQuery = queryOptions({
  queryKey: keys.status,
  queryFn: () => engine().status(),
});

/** Where the reading of the home timeline stopped (one account's, or the furthest of all). */
export const readingPositionQuery = (accountId: number | null) =>
  queryOptions({
    queryKey: keys.readingPosition(accountId),
    queryFn: () => engine().timeline.readingPosition(accountId),
  });
