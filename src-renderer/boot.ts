/**
 * Starts the data worker as the page's first act, before the screen's code is evaluated: the
 * worker's own start (its code, SQLite, the database) then runs beside the rest of the page's.
 *
 * When the app opens on the home timeline, the worker is told so, and sends that timeline's first
 * page as the app always opens it (ranked, every account's) and the hosts pictures may come from
 * (the picture policy is set before any card is drawn) as soon as it has read them: they wait for
 * the page while the screen's code loads. When it could not read them, or the app opens elsewhere,
 * they are asked of the engine. start.tsx puts these answers in the query cache, as the answers of
 * those queries.
 */
import { startEngine } from './engine-client';
import {
  FIRST_PAGE_MESSAGE,
  FIRST_PAGE_SIZE,
  type FirstPageMessage,
  type TimelinePage,
} from '../src-shared/worker-api';

export { FIRST_PAGE_SIZE };

const home = /^#?\/?$/.test(location.hash);
export const { api, worker } = startEngine({ homeFirst: home });

/** The first page the worker sends unasked (null if it sends none, or fails to start). */
function sentFirstPage(): Promise<FirstPageMessage['first']> {
  return new Promise((resolve) => {
    const heard = (event: MessageEvent) => {
      const data = event.data as Partial<FirstPageMessage> | null;
      if (data?.type !== FIRST_PAGE_MESSAGE) return;
      done(data.first ?? null);
    };
    const failed = () => done(null);
    const done = (first: FirstPageMessage['first']) => {
      worker.removeEventListener('message', heard);
      worker.removeEventListener('error', failed);
      resolve(first);
    };
    worker.addEventListener('message', heard);
    worker.addEventListener('error', failed);
  });
}

const sent = home ? sentFirstPage() : Promise.resolve(null);

export const early: { imageHosts: Promise<string[]>; homePage: Promise<TimelinePage> | null } = {
  imageHosts: sent.then((first) => first?.hosts ?? api.images.hosts()),
  homePage: home
    ? sent.then((first) => first?.page ?? api.timeline.page({ order: 'ranked', limit: FIRST_PAGE_SIZE }))
    : null,
};
// A failure reaches the query that is given the answer.
void early.imageHosts.catch(() => undefined);
void early.homePage?.catch(() => undefined);
