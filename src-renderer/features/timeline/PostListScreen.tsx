import { useCallback, type ReactNode } from 'react';
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { PostListQuery } from '../../../src-shared/worker-api';
import { engine } from '../../app/engine';
import { keys } from '../../app/query';
import { PostList } from '../post/PostList';
import { PAGE_SIZE } from './queries';

export const postListQuery = (of: PostListQuery['of']) =>
  infiniteQueryOptions({
    queryKey: keys.list(of),
    queryFn: ({ pageParam }) => engine().timeline.list({ of, limit: PAGE_SIZE, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // Read again each time the screen opens (a bookmark made meanwhile is there); while it is open,
    // what is listed does not move.
    staleTime: 0,
  });

/** A screen of stored posts of one kind, newest first: bookmarks, a hashtag, one person's. */
export function PostListScreen({
  title,
  of,
  empty,
  header,
}: {
  title: string;
  of: PostListQuery['of'];
  empty: string;
  header?: ReactNode;
}) {
  const list = useInfiniteQuery(postListQuery(of));
  const posts = list.data?.pages.flatMap((p) => p.posts) ?? [];
  const loadMore = useCallback(() => void list.fetchNextPage(), [list]);
  return (
    <div className="screen">
      <div className="screen-bar">
        <h1 className="screen-title">{title}</h1>
      </div>
      {header}
      <PostList
        key={JSON.stringify(of)}
        posts={posts}
        label={title}
        empty={list.isPending ? 'Loading…' : empty}
        recordViews
        hasMore={list.hasNextPage}
        loadingMore={list.isFetchingNextPage}
        onLoadMore={loadMore}
      />
    </div>
  );
}
