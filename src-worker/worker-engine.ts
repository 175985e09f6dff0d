/**
 * The engine's side of the data worker, loaded by worker.ts beside SQLite's start: the engine on
 * the opened host, the Mastodon client, the background upkeep, and the surface the page may call.
 */
import { Engine, createWorkerApi } from './engine';
import type { EngineHost } from './host';
import type { FirstPage } from './first-page';
import type { WorkerApi } from '../src-shared/worker-api';
import { createRendererApi, withTestHooks } from './edge';
import { systemClock } from './mastodon/clock';
import { MastodonService } from './mastodon/service';
import { WebVault } from './mastodon/web-vault';
import { HostVault } from './mastodon/host-vault';

/**
 * Opens the engine on the host, with Mastodon wired in: tokens in the web vault (a non-extractable
 * WebCrypto key), and the server sends the browser back to the app's own address after approving.
 * Resolves to the surface the page may call. `firstPage` is the home timeline's first page the
 * worker sent the page as it started, if it did (worker.ts).
 */
export async function startEngine(
  hostReady: Promise<EngineHost>,
  firstPage: FirstPage | null,
): Promise<object> {
  const engine = await Engine.open(await hostReady, {
    onSlowCall: (name, ms) => console.warn(`corgi worker: ${name} took ${Math.round(ms)} ms`),
    // The first page kept for the next start a second after each change to it; the one sent at
    // this start, when it was the kept one, is checked as soon as the engine is open.
    keepFirstPage: { delayMs: 1000, served: firstPage?.kept },
  });
  const holder: { service?: MastodonService } = {};
  const api = createWorkerApi(engine, () => holder.service!);
  holder.service = new MastodonService({
    engine,
    api,
    // The desktop shell's keychain vault when the renderer passes one, else the browser's.
    openVault: async (host) => (host ? new HostVault(host) : WebVault.open()),
    clock: systemClock,
    redirectUri: `${self.location.origin}/`,
  });
  upkeepInBackground(api);
  // The first page the worker sent before the engine was open: served, as any page the engine
  // serves is; unless it was a kept page older than the database, whose ids may name other posts
  // now (the screen then reads the timeline again, and that page is logged).
  if (firstPage)
    void (engine.keeper?.settled() ?? Promise.resolve())
      .then(async () => {
        if (engine.keeper?.servedWasOlder) return;
        await api.timeline.served(
          firstPage.page.posts.map((p) => p.id),
          firstPage.servedAt,
        );
      })
      .catch((error: unknown) => console.warn('corgi: a served page could not be logged:', error));
  // The page reaches the renderer's commands only; a test build (CORGI_TEST_HOOKS=1) adds the
  // engine's under `testing`, for the end-to-end tests to seed the database with.
  // (The shipped build's minifier drops the test branch, and `withTestHooks` with it.)
  return __CORGI_TEST_HOOKS__ ? withTestHooks(api) : createRendererApi(api);
}

/**
 * Background work in small slices with pauses between them, so that reads and pages (which queue
 * behind each slice's transaction) never wait long: new posts embedded in batches, and, while the
 * person has done nothing for a while, the weekly check of the database and the daily pass that
 * drops posts older than the person keeps them.
 */
function upkeepInBackground(api: WorkerApi): void {
  const BATCH = 200;
  const IDLE_MS = 10_000;
  const step = async (): Promise<void> => {
    let delay = 5_000;
    try {
      if ((await api.ranking.embedPending(BATCH)) > 0) delay = 50;
      else if ((await api.upkeep.idleMs()) >= IDLE_MS) {
        if (!(await api.upkeep.checkIntegrity()).done) delay = 200;
        else if (!(await api.upkeep.dropOldPosts()).done) delay = 200;
      }
    } catch {
      // A damaged or deleted database: try again later.
      delay = 30_000;
    }
    setTimeout(() => void step(), delay);
  };
  setTimeout(() => void step(), 1_000);
}
