import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { PostView } from '../../../src-shared/worker-api';
import { PostCard } from './PostCard';
import { watchForView } from './view-recorder';

/** Posts are drawn only near the screen; this is a guess at a card's height until it is measured. */
const ESTIMATED_HEIGHT = 220;

/**
 * A long list of posts, drawn only where the reader is. j and k move between posts (the list
 * scrolls to draw the next one); reaching the end asks for more.
 */
export function PostList({
  posts,
  label,
  empty,
  recordViews = false,
  hasMore = false,
  loadingMore = false,
  onLoadMore,
  initialScroll = 0,
  onScrolled,
}: {
  posts: PostView[];
  label: string;
  empty: string;
  recordViews?: boolean;
  hasMore?: boolean;
  loadingMore?: boolean;
  onLoadMore?: () => void;
  initialScroll?: number;
  onScrolled?: (top: number) => void;
}) {
  const list = useRef<HTMLElement>(null);
  // The virtualizer's functions change as it measures: this component reads them on every render,
  // which is what the rule warns a compiler-memoized component would not do.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: posts.length,
    getScrollElement: () => list.current,
    estimateSize: () => ESTIMATED_HEIGHT,
    overscan: 4,
    initialOffset: initialScroll,
    getItemKey: (index) => posts[index]!.id,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (hasMore && !loadingMore && onLoadMore && lastIndex >= posts.length - 5) onLoadMore();
  }, [hasMore, loadingMore, onLoadMore, lastIndex, posts.length]);
  // Where the reader was, for coming back to this list.
  useEffect(() => {
    const scroller = list.current;
    if (!onScrolled || !scroller) return;
    const save = () => onScrolled(scroller.scrollTop);
    scroller.addEventListener('scroll', save, { passive: true });
    return () => scroller.removeEventListener('scroll', save);
  }, [onScrolled, posts.length]);

  function move(event: KeyboardEvent<HTMLElement>) {
    if (event.altKey || event.ctrlKey || event.metaKey || (event.key !== 'j' && event.key !== 'k')) return;
    const card = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!card || (event.target as HTMLElement).tagName !== 'ARTICLE') return;
    const next = Number(card.dataset.index) + (event.key === 'j' ? 1 : -1);
    if (next < 0 || next >= posts.length) return;
    event.preventDefault();
    virtualizer.scrollToIndex(next, { align: 'auto' });
    requestAnimationFrame(() =>
      list.current
        ?.querySelector<HTMLElement>(`[data-index="${next}"] article`)
        ?.focus({ preventScroll: true }),
    );
  }

  if (posts.length === 0) return <p className="empty">{empty}</p>;
  return (
    <section aria-label={label} className="post-list" ref={list} onKeyDown={move}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const post = posts[item.index]!;
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="post-slot"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <Watched post={post} recordViews={recordViews} />
            </div>
          );
        })}
      </div>
      {hasMore && onLoadMore && (
        <button type="button" className="load-more" disabled={loadingMore} onClick={onLoadMore}>
          {loadingMore ? 'Loading…' : 'Load older posts'}
        </button>
      )}
    </section>
  );
}

function Watched({ post, recordViews }: { post: PostView; recordViews: boolean }) {
  const slot = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const card = slot.current?.querySelector('article');
    if (!recordViews || !card) return;
    return watchForView(card, post);
  }, [post, recordViews]);
  return (
    <div ref={slot}>
      <PostCard served={post} />
    </div>
  );
}
