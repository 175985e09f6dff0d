/**
 * Starts the data worker as the page's first act, before the screen's code is evaluated: the
 * worker's own start (its code, SQLite, the database) then runs beside the rest of the page's.
 *
 * What the first screen needs is asked for here too, so that it is first in the worker's queue
 * and its answer is on its way while the screen's code loads: the hosts pictures may come from
 * (the picture policy is set before any card is drawn) and, when the app opens on the home
 * timeline, that timeline's first page as the app always opens it (ranked, every account's). The
 * screen's queries take these answers, once, instead of asking again.
 */
import { startEngine } from './engine-client';
import type { TimelinePage } from '../src-shared/worker-api';

export const { api } = startEngine();

/** How many posts the home timeline's first page holds: what fills a window, and some. */
export const FIRST_PAGE_SIZE = 20;

const early: { imageHosts: Promise<string[]> | null; homePage: Promise<TimelinePage> | null } = {
  imageHosts: api.images.hosts(),
  homePage: /^#?\/?$/.test(location.hash)
    ? api.timeline.page({ order: 'ranked', limit: FIRST_PAGE_SIZE })
    : null,
};
// A failure reaches the query that takes the answer; one never taken is dropped.
for (const answer of Object.values(early)) answer?.catch(() => undefined);

/** The answer asked for at start, the first time it is taken; null after that. */
export function takeEarly<K extends keyof typeof early>(name: K): (typeof early)[K] {
  const answer = early[name];
  early[name] = null;
  return answer;
}
