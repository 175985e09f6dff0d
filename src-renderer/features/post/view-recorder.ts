/**
 * A post counts as viewed once it has been at least half on screen for a second, and as read with
 * interest (dwell) when it stayed there four seconds or more: one observer for every card on
 * screen, whichever list it is in.
 */
import type { PostView } from '../../../src-shared/worker-api';
import { useUi } from '../../state/store';

const SEEN_AFTER_MS = 1000;
/** Long enough on screen to have been read, not scrolled past (the retention's "read" too). */
export const DWELL_MS = 4000;

const watched = new Map<Element, PostView>();
const timers = new Map<Element, ReturnType<typeof setTimeout>>();
/** Since when each watched card has been on screen (while the window is in front). */
const since = new Map<Element, number>();
/** The cards on screen now, whether or not the window is in front. */
const onScreen = new Set<Element>();
/** Nobody reads one post this long: a longer stay is counted as this. */
const MAX_DWELL_MS = 2 * 60_000;

/** A card left the screen (or the list, or the window went behind): a long stay is dwell. */
function left(element: Element): void {
  const start = since.get(element);
  since.delete(element);
  const post = watched.get(element);
  if (start === undefined || !post) return;
  const ms = performance.now() - start;
  if (ms >= DWELL_MS) useUi.getState().recordDwell(post, Math.round(Math.min(ms, MAX_DWELL_MS)));
}

// Time with the window hidden is not reading: a stay ends when it goes behind, and starts again
// for the cards still on screen when it comes back.
if (typeof document !== 'undefined')
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') for (const element of [...since.keys()]) left(element);
    else for (const element of onScreen) if (!since.has(element)) since.set(element, performance.now());
  });
let observer: IntersectionObserver | null = null;

function observe(): IntersectionObserver {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const post = watched.get(entry.target);
        if (!post) continue;
        if (entry.isIntersecting) {
          onScreen.add(entry.target);
          if (!since.has(entry.target) && document.visibilityState !== 'hidden')
            since.set(entry.target, performance.now());
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
          onScreen.delete(entry.target);
          left(entry.target);
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
    onScreen.delete(element);
    left(element);
    watched.delete(element);
    clearTimeout(timers.get(element));
    timers.delete(element);
  };
}
