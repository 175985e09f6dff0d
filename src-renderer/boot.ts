/**
 * Starts the data worker as the page's first act, before the screen's code is evaluated: the
 * worker's own start (its code, SQLite, the database) then runs beside the rest of the page's.
 *
 * What the first screen needs is asked for here too, so that it is first in the worker's queue
 * and its answer is on its way while the screen's code loads: the hosts pictures may come from
 * (the picture policy is set before any card is drawn) and, when the app opens on the home
 * timeline, that timeline's first page as the app always opens it (ranked, every account's).
 * start.tsx puts these answers in the query cache, as the answers of those queries.
 */
import { startEngine } from './engine-client';
import { FIRST_PAGE_SIZE, type TimelinePage } from '../src-shared/worker-api';

export { FIRST_PAGE_SIZE };

const home = /^#?\/?$/.test(location.hash);
// Told the page opens on home, the worker reads that timeline's first page before it loads the
// engine's code (src-worker/first-page.ts).
export const { api } = startEngine({ homeFirst: home });

export const early: { imageHosts: Promise<string[]>; homePage: Promise<TimelinePage> | null } = {
  imageHosts: api.images.hosts(),
  homePage: home ? api.timeline.page({ order: 'ranked', limit: FIRST_PAGE_SIZE }) : null,
};
// A failure reaches the query that is given the answer.
void early.imageHosts.catch(() => undefined);
void early.homePage?.catch(() => undefined);
