/**
 * A post counts as viewed once it has been at least half on screen for a second: one observer for
 * every card on screen, whichever list it is in.
 */
import type { PostView } from '../../../src-shared/worker-api';
import { useUi } from '../../state/store';

const SEEN_AFTER_MS = 1000;

const watched = new Map<Element, PostView>();
const timers = new Map<Element, ReturnType<typeof setTimeout>>();
let observer: IntersectionObserver | null = null;

function observe(): IntersectionObserver {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const post = watched.get(entry.target);
        if (!post) continue;
        if (entry.isIntersecting) {
          if (!timers.has(entry.target))
            timers.set(
              entry.target,
              setTimeout(() => {
                timers.delete(entry.target);
                useUi.getState().recordView(post);
              }, SEEN_AFTER_MS),
            );
        } else {
          clearTimeout(timers.get(entry.target));
          timers.delete(entry.target);
        }
      }
    },
    { threshold: 0.5 },
  );
  return observer;
}

/** Watches a card's element while it is mounted; returns how to stop. */
export function watchForView(element: Element, post: PostView): () => void {
  if (typeof IntersectionObserver === 'undefined') return () => undefined;
  watched.set(element, post);
  observe().observe(element);
  return () => {
    observer?.unobserve(element);
    watched.delete(element);
    clearTimeout(timers.get(element));
    timers.delete(element);
  };
}
