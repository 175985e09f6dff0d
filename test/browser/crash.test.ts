/**
 * Crash safety on OPFS: the process running the data worker is killed in the middle of large
 * ingests, again and again, and the database reopened each time. (Worker.terminate() is not enough
 * here: Chromium lets a busy worker run on until its current task ends.) The integrity check must pass, every batch whose commit was
 * confirmed must be there, and no batch may be there in part.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, type Browser } from '../support/browser';
import { serveDirectory, type StaticServer } from '../support/static-server';
import { readDocsExample } from '../fixtures/docs-statuses';

const DIST = path.join(import.meta.dirname, '../../dist-web');
const ROUNDS = Number(process.env.CORGI_CRASH_ROUNDS ?? 50);
const BATCH = 2000;

let server: StaticServer;
let browser: Browser;
beforeAll(async () => {
  server = await serveDirectory(DIST, { '/blank.html': '<!doctype html><title>blank</title>' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Loaded into each blank page: starts the data worker and speaks comlink's wire protocol by hand. */
const HOST_SCRIPT = `
  let nextId = 0;
  window.callWorker = (path, args) => {
    const id = 'call-' + nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (event) => {
        if (!event.data || event.data.id !== id) return;
        window.dataWorker.removeEventListener('message', onMessage);
        if (event.data.type === 'HANDLER') reject(new Error(event.data.value.value.message));
        else resolve(event.data.value);
      };
      window.dataWorker.addEventListener('message', onMessage);
      window.dataWorker.postMessage({ id, type: 'APPLY', path, argumentList: args.map((value) => ({ type: 'RAW', value })) });
    });
  };
`;

interface HostWindow {
  dataWorker: Worker;
  callWorker(path: string[], args: unknown[]): Promise<unknown>;
  committed?: boolean;
  ingestMs?: number;
}

describe('crash safety', () => {
  it(`survives ${ROUNDS} crashes in the middle of ingests`, async () => {
    const workerFile = fs.readdirSync(path.join(DIST, 'assets')).find((f) => /^worker-.*\.js$/.test(f));
    expect(workerFile).toBeDefined();
    const template = readDocsExample('Status.json') as Record<string, unknown>;
    let confirmed = 0;
    let cutOff = 0;
    let ingestMs = 0;
    let checkedOpens = 0;
    for (let round = 0; round <= ROUNDS; round++) {
      const roundStart = Date.now();
      if (process.env.CORGI_CRASH_TRACE) console.log(`round ${round} start`);
      const page = await browser.context.newPage();
      await page.addInitScript(HOST_SCRIPT);
      if (process.env.CORGI_CRASH_TRACE) {
        page.on('console', (m) => console.log('page:', m.text()));
        page.on('worker', (w) => w.on('console', (m) => console.log('worker:', m.text())));
      }
      await page.goto(`${server.url}blank.html`);
      const opened = await page.evaluate(async (workerUrl) => {
        const host = window as unknown as HostWindow;
        host.dataWorker = new Worker(workerUrl, { type: 'module' });
        const status = (await host.callWorker(['status'], [])) as {
          state: string;
          statuses: number;
          checkedAtOpen: boolean;
        };
        const account = (await host.callWorker(
          ['testing', 'accounts', 'upsert'],
          [{ instance: 'crash.example', remoteId: '1', acct: 'tester', displayName: 'Tester' }],
        )) as { id: number };
        return { ...status, accountId: account.id };
      }, `/assets/${workerFile}`);

      // After a write cut short, opening ran the integrity check (PRAGMA quick_check), and it found
      // nothing wrong.
      expect(opened.state, `round ${round}`).toBe('ready');
      if (opened.checkedAtOpen) checkedOpens++;
      // A database that was never written to is not checked whole.
      if (round === 0) expect(opened.checkedAtOpen, 'first open').toBe(false);
      // Whole batches only: every batch whose commit was confirmed, none never started, no part of one.
      expect(opened.statuses % BATCH, `round ${round}`).toBe(0);
      expect(opened.statuses / BATCH, `round ${round}`).toBeGreaterThanOrEqual(confirmed);
      expect(opened.statuses / BATCH, `round ${round}`).toBeLessThanOrEqual(round);
      if (round === ROUNDS) {
        await page.close();
        break;
      }

      await page.evaluate(
        ({ template, accountId, round, batch }) => {
          const host = window as unknown as HostWindow;
          const statuses = Array.from({ length: batch }, (_, i) => ({
            ...template,
            id: `${round}${String(i).padStart(6, '0')}`,
            uri: `https://crash.example/statuses/${round}/${i}`,
            created_at: new Date(Date.UTC(2024, 0, 1) + round * 1e7 + i * 1000).toISOString(),
            content: `<p>Round ${round} post ${i} ${'lorem ipsum dolor sit amet '.repeat(20)}</p>`,
          }));
          host.committed = false;
          const started = performance.now();
          void host
            .callWorker(['testing', 'ingest', 'statuses'], [{ accountId, timeline: 'home', statuses }])
            .then(() => {
              host.committed = true;
              host.ingestMs = performance.now() - started;
            });
        },
        { template, accountId: opened.accountId, round, batch: BATCH },
      );
      // Every fifth round, starting with the first, runs to its commit: those are confirmed batches
      // to find again, and they time an ingest. The other rounds are cut off at a different moment
      // of an ingest each, spread over 5–95% of that time.
      if (round % 5 === 0) {
        await page.waitForFunction(() => (window as unknown as HostWindow).committed === true, null, {
          timeout: 120_000,
        });
        ingestMs = await page.evaluate(() => (window as unknown as HostWindow).ingestMs ?? 0);
      } else {
        const fraction = 0.05 + ((round * 37) % 91) / 100;
        await new Promise((resolve) => setTimeout(resolve, ingestMs * fraction));
      }
      const committed = await page.evaluate(() => (window as unknown as HostWindow).committed === true);
      // Kill the renderer process that hosts the page and its worker, as a crash would.
      const cdp = await browser.context.newCDPSession(page);
      const crashed = page.waitForEvent('crash', { timeout: 30_000 });
      // Page.crash never answers: its renderer is gone. The page's crash event says it happened.
      void cdp.send('Page.crash').catch(() => undefined);
      await crashed;
      await page.close().catch(() => undefined);
      if (process.env.CORGI_CRASH_TRACE)
        console.log(
          `round ${round} ${committed} ${Date.now() - roundStart} ms (ingest ${Math.round(ingestMs)} ms)`,
        );
      if (committed) confirmed++;
      else cutOff++;
    }
    // The test only means something if most rounds were really cut off.
    expect(cutOff).toBeGreaterThanOrEqual(ROUNDS / 2);
    expect(confirmed).toBeGreaterThanOrEqual(Math.floor(ROUNDS / 5));
    // Most writes cut short leave their journal behind, and the next open checks the whole file;
    // the first open does not. (A round whose ingest finished may still be killed in the middle of
    // a background write, embedding or upkeep, and be checked at the next open too.)
    expect(checkedOpens).toBeGreaterThanOrEqual(cutOff / 2);
    console.log(
      `crash rounds: ${ROUNDS}, cut off mid-ingest: ${cutOff}, confirmed commits: ${confirmed}, opens that checked the file: ${checkedOpens}`,
    );
  });
});
