import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import type { ScrollPlace } from '../timeline/slice';
import type { PostView } from '../../../src-shared/worker-api';
import { PostCard } from './PostCard';
import { watchForView } from './view-recorder';
import { afterPaint } from '../../ui/after-paint';

/**
 * Posts are drawn only near the screen; this is a guess at a card's height until it is drawn and
 * measured, from what it holds (at the default text size, in the list's width). Close guesses
 * matter most for the first cards: the list draws as many as the guesses fill the window with, and
 * those it then finds beyond it were drawn for nothing.
 */
export function estimatedHeight(post: PostView): number {
  const LINE = 23;
  const CHARACTERS_PER_LINE = 75;
  let height = 160 + (post.boostedBy ? 24 : 0) + (post.inReplyTo ? 24 : 0);
  // Behind a content warning, the text and media are folded away.
  if (post.spoilerText) return height + 2 * LINE;
  height += Math.ceil(post.contentText.length / CHARACTERS_PER_LINE) * LINE;
  if (post.media.length === 1) {
    const [media] = post.media;
    const ratio = media?.width && media.height ? media.height / media.width : 9 / 16;
    height += Math.min(Math.round(600 * ratio), 448);
  } else if (post.media.length > 1) height += 340;
  if (post.card) height += post.card.image ? 180 : 90;
  if (post.poll) height += 40 + post.poll.options.length * 44;
  if (post.quoteId !== null) height += 200;
  return height;
}

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
  initialScroll,
  onScrolled,
  onTopPost,
  startAt = null,
}: {
  posts: PostView[];
  label: string;
  empty: string;
  recordViews?: boolean;
  hasMore?: boolean;
  loadingMore?: boolean;
  onLoadMore?: () => void;
  /** Where to open: a place `onScrolled` told of before. */
  initialScroll?: ScrollPlace;
  /** Where the reader is, as they scroll, and with the cards' sizes as they leave. */
  onScrolled?: (top: number, measurements?: VirtualItem[]) => void;
  /** The post at the top of the screen, as the reader scrolls (and once the list is drawn). */
  onTopPost?: (post: PostView) => void;
  /** A post to bring to the top once, when the list opens at a reading position. */
  startAt?: number | null;
}) {
  const list = useRef<HTMLElement>(null);
  // The first cards are only those on screen, so that the list shows sooner; the cards beyond each
  // edge are drawn once those are painted.
  const [painted, setPainted] = useState(false);
  const drawn = posts.length > 0;
  useEffect(() => {
    if (painted || !drawn) return;
    return afterPaint(() => setPainted(true));
  }, [painted, drawn]);
  // The virtualizer's functions change as it measures: this component reads them on every render,
  // which is what the rule warns a compiler-memoized component would not do.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: posts.length,
    getScrollElement: () => list.current,
    estimateSize: (index) => estimatedHeight(posts[index]!),
    // Two cards beyond each edge: enough that a card is drawn before it scrolls into view, few
    // enough that each frame of a scroll draws fast.
    overscan: painted ? 2 : 0,
    initialOffset: initialScroll?.top ?? 0,
    // Guessed as the window's size until the list is measured: the first cards are then drawn in
    // the list's first pass.
    initialRect: { width: window.innerWidth, height: window.innerHeight },
    initialMeasurementsCache: initialScroll?.measurements,
    getItemKey: (index) => posts[index]!.id,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (hasMore && !loadingMore && onLoadMore && lastIndex >= posts.length - 5) onLoadMore();
  }, [hasMore, loadingMore, onLoadMore, lastIndex, posts.length]);
  // Where the reader was, for coming back to this list: told as the list goes (before its
  // elements do), with the sizes of the cards drawn; not on every scroll, which would wake every
  // reader of the store each frame.
  const leave = useRef(onScrolled);
  leave.current = onScrolled;
  useLayoutEffect(() => {
    const scroller = list.current;
    return () => {
      if (drawn && scroller) leave.current?.(scroller.scrollTop, virtualizer.takeSnapshot());
    };
  }, [virtualizer, drawn]);
  // The post at the top, told when scrolling rests a moment.
  useEffect(() => {
    const scroller = list.current;
    if (!onTopPost || !scroller) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tell = () => {
      const item = virtualizer.getVirtualItemForOffset(scroller.scrollTop + 8);
      const post = item ? posts[item.index] : undefined;
      if (post) onTopPost(post);
    };
    const rest = () => {
      clearTimeout(timer);
      timer = setTimeout(tell, 800);
    };
    rest();
    scroller.addEventListener('scroll', rest, { passive: true });
    return () => {
      clearTimeout(timer);
      scroller.removeEventListener('scroll', rest);
    };
  }, [onTopPost, posts, virtualizer]);
  // Opening at a reading position: that post at the top, once. The cards above it are measured
  // only as they are drawn, so the first jump may land beside it: it is made again, frame by frame,
  // until the post is at the top (a second at most).
  const started = useRef(false);
  const settling = useRef(0);
  useEffect(() => {
    if (startAt === null || started.current || startAt >= posts.length) return;
    started.current = true;
    let tries = 0;
    const jump = () => {
      virtualizer.scrollToIndex(startAt, { align: 'start' });
      const scroller = list.current;
      const card = scroller?.querySelector(`[data-index="${startAt}"]`);
      const off =
        card && scroller ? card.getBoundingClientRect().top - scroller.getBoundingClientRect().top : null;
      if ((off === null || Math.abs(off) > 4) && ++tries < 60) settling.current = requestAnimationFrame(jump);
    };
    jump();
  }, [startAt, posts.length, virtualizer]);
  useEffect(() => () => cancelAnimationFrame(settling.current), []);

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
