import { useSyncExternalStore } from 'react';

/** One clock for every time on screen, ticking each 30 s, so "5 min" becomes "6 min" by itself. */
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    // The clock was stopped while nothing showed a time: it is read again before it ticks.
    now = Date.now();
    queueMicrotask(listener);
  }
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, 30_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dayMonth = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const withYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/** "now", "5 min", "3 h", then the date: short, as timelines show it. */
export function relativeTime(at: number, at0 = Date.now()): string {
  const seconds = Math.max(0, (at0 - at) / 1000);
  if (seconds < 60) return 'now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  if (seconds < 7 * 86_400) return `${Math.floor(seconds / 86_400)} d`;
  return new Date(at).getFullYear() === new Date(at0).getFullYear()
    ? dayMonth.format(at)
    : withYear.format(at);
}

export function RelativeTime({ at, className }: { at: number; className?: string }) {
  const current = useSyncExternalStore(subscribe, () => now);
  return (
    <time className={className} dateTime={new Date(at).toISOString()} title={full.format(at)}>
      {relativeTime(at, current)}
    </time>
  );
}
