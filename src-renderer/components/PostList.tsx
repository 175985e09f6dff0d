import { useEffect, useRef } from 'react';
import type { PostView } from '../../src-shared/worker-api';
import { useAppStore } from '../store';
import { PostCard } from './PostCard';

/** A post counts as seen after it has been at least half on screen for a second. */
const SEEN_AFTER_MS = 1000;

export function PostList({
  posts,
  label,
  empty,
  recordViews = false,
}: {
  posts: PostView[];
  label: string;
  empty: string;
  recordViews?: boolean;
}) {
  const recordView = useAppStore((s) => s.recordView);
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    const root = section.current;
    if (!recordViews || !root || typeof IntersectionObserver === 'undefined') return;
    const byId = new Map(posts.map((p) => [String(p.id), p]));
    const timers = new Map<Element, ReturnType<typeof setTimeout>>();
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const post = byId.get((entry.target as HTMLElement).dataset.postId ?? '');
          if (!post) continue;
          if (entry.isIntersecting) {
            timers.set(
              entry.target,
              setTimeout(() => recordView(post), SEEN_AFTER_MS),
            );
          } else {
            clearTimeout(timers.get(entry.target));
            timers.delete(entry.target);
          }
        }
      },
      { threshold: 0.5 },
    );
    root.querySelectorAll('article.post').forEach((card) => observer.observe(card));
    return () => {
      observer.disconnect();
      for (const timer of timers.values()) clearTimeout(timer);
    };
  }, [posts, recordViews, recordView]);
  if (posts.length === 0) return <p className="empty">{empty}</p>;
  return (
    <section aria-label={label} className="post-list" ref={section}>
      {posts.map((post) => (
        <PostCard key={post.id} post={post} />
      ))}
    </section>
  );
}
