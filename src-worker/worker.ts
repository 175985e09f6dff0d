/**
 * The data worker in the app: the engine on wa-sqlite over OPFS (opfs-host.ts), its
 * renderer-facing commands exposed to the page with comlink.
 *
 * This entry is kept small, so that it runs soon after the page starts it. When the page opens on
 * the home timeline, the worker reads that timeline's first page (the one kept for this start,
 * kept-page.ts, or else from the database, first-page.ts) and sends it to the page unasked, while
 * SQLite starts (its wasm fetched and compiled, the pool of files opened) in a chunk of its own.
 * The engine's code (worker-engine.ts, most of the worker) is loaded once the page is sent; every
 * call of the page waits for the engine.
 */
import * as Comlink from 'comlink';
import type { EngineHost, KeptPageStore } from './host';
import {
  FIRST_PAGE_MESSAGE,
  HOME_FIRST_WORKER,
  type FirstPageMessage,
  type RendererApi,
} from '../src-shared/worker-api';
import type { FirstPage } from './first-page';
import { deferredSurface } from './deferred-surface';
import { parseKeptPage } from './kept-page-format';
import { heldWithin, opfsKeptPage, requestDatabaseLock } from './opfs-kept-page';

/**
 * How long the kept page waits for the database lock: just after a reload, the page's previous
 * worker may hold it a moment longer.
 */
const KEPT_PAGE_LOCK_WAIT_MS = 250;

/**
 * The home timeline's first page as the engine kept it at the last change (kept-page.ts), read
 * before SQLite is started; only once this worker holds the database lock: in a second window,
 * which will not open the database, no posts are shown.
 */
async function readKeptPage(store: KeptPageStore): Promise<FirstPage | null> {
  const [text, mine] = await Promise.all([store.read(), heldWithin(lock, KEPT_PAGE_LOCK_WAIT_MS)]);
  const kept = text === null || !mine ? null : parseKeptPage(text);
  return kept && { ...kept, servedAt: Date.now(), kept: text! };
}

const lock = requestDatabaseLock();
const keptPage = opfsKeptPage();
const hostReady: Promise<EngineHost> = import('./opfs-host').then(({ createOpfsHost }) =>
  createOpfsHost(keptPage, lock),
);
// A failure reaches every call, through the engine's start.
hostReady.catch(() => undefined);

/**
 * The first page, sent to the page as soon as it is read. Sent, not answered: what the page asks
 * before this worker has run reaches it only once the page's main thread has passed the worker's
 * start on, which it does after evaluating the screen's code; a message from here is waiting for
 * the page when that is done.
 */
async function sendFirstPage(): Promise<FirstPage | null> {
  const first = await readKeptPage(keptPage)
    .catch(() => null)
    .then(async (kept) => kept ?? (await import('./first-page')).readFirstPage(await hostReady))
    .catch(() => null);
  const message: FirstPageMessage = {
    type: FIRST_PAGE_MESSAGE,
    first: first && { hosts: first.hosts, page: first.page },
  };
  self.postMessage(message);
  return first;
}

const firstPage: Promise<FirstPage | null> =
  self.name === HOME_FIRST_WORKER ? sendFirstPage() : Promise.resolve(null);
const surfaceReady = firstPage
  .then(() => import('./worker-engine'))
  .then(async ({ startEngine }) => startEngine(hostReady, await firstPage));
Comlink.expose(deferredSurface<RendererApi>(surfaceReady));
