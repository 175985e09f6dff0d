/**
 * Sync benchmark: `npm run bench:sync [-- --seed N --home N --favourites N --runs N]`.
 *
 * Starts the Mastodon simulator (real HTTP on loopback, Mastodon's default rate limits, simulated
 * time in which each API request takes 250 ms) with a person who has a full home feed (800 posts, the server's cap) and 2,000 favourites,
 * signs a fresh Corgi into it (OAuth with PKCE through the login and consent pages), runs the
 * first sync (every step the app runs before it streams) to completion into the Node engine on a
 * temporary directory, against `--flavour NAME` of server (mastodon by default), and reports per run:
 *   requests              API requests the sync sent (sign-in not counted): pages of statuses,
 *                         the instance document, the account's filters, mutes, blocks, lists,
 *                         followed tags, follows, trends and markers
 *   page_requests         of those, the ones that fetch statuses (timelines, favourites,
 *                         bookmarks, mentions)
 *   paging_requests       with max_id / min_id / since_id (the scarce per-user budget)
 *   statuses_stored       distinct posts in the database afterwards
 *   statuses_received     statuses in the pages received (a post in two lists counts twice)
 *   seconds_simulated     simulated time the sync took (waits for rate-limit resets included)
 *   limit_hits            429 answers received (target 0)
 *   statuses_per_request  statuses_received / requests (target ≥ 38 of the 40 a page holds)
 * The last line is one JSON object with the medians over the runs, plus the wall time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createWorkerApi } from '../src-worker/engine';
import { AccountRunner } from '../src-worker/mastodon/account-runner';
import { AccountSync, type SyncProgress } from '../src-worker/mastodon/account-sync';
import { MastodonHttp } from '../src-worker/mastodon/http';
import { MemoryVault, SignIn } from '../src-worker/mastodon/sign-in';
import { openNodeEngine } from '../src-worker/node/open-node-engine';
import { approveInBrowser, startFediverse } from '../test/support/fediverse';
import { flavourNamed } from '../test/simulator/flavours';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '42' },
    home: { type: 'string', default: '800' },
    favourites: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '3' },
    flavour: { type: 'string', default: 'mastodon' },
  },
});
const flavour = flavourNamed(values.flavour);

interface RunResult {
  requests: number;
  page_requests: number;
  paging_requests: number;
  statuses_stored: number;
  statuses_received: number;
  seconds_simulated: number;
  limit_hits: number;
  statuses_per_request: number;
  wall_seconds: number;
}

async function run(seed: number): Promise<RunResult> {
  const fediverse = await startFediverse({
    seed,
    statuses: 20_000,
    authors: 3000,
    // A Mastodon API request takes a few hundred milliseconds end to end.
    responseMs: 250,
    flavour,
    users: [
      { username: 'reader', password: 'correct horse', follows: 200, favourites: Number(values.favourites) },
    ],
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corgi-bench-sync-'));
  const engine = await openNodeEngine({ directory: dir });
  try {
    const user = fediverse.world.userByName('reader')!;
    user.home.length = Math.min(user.home.length, Number(values.home));
    const server = fediverse.server();
    const api = createWorkerApi(engine);
    const vault = new MemoryVault();
    const signIn = new SignIn({ api, vault, redirectUri: 'http://127.0.0.1/callback' });
    const { url } = await signIn.start(server.url);
    const account = await signIn.finish(
      await approveInBrowser(url, { username: 'reader', password: 'correct horse' }),
    );

    server.resetStats();
    const started = fediverse.clock.now();
    const wall = performance.now();
    const http = new MastodonHttp({
      baseUrl: server.url,
      token: () => vault.getToken(account.id),
      clock: fediverse.clock,
    });
    const sync = new AccountSync({ api, http, accountId: account.id, clock: fediverse.clock });
    const runner = new AccountRunner({
      api,
      account,
      http,
      sync,
      clock: fediverse.clock,
      token: () => vault.getToken(account.id),
      log: () => undefined,
    });
    const steps = await runner.initialPass();
    const wallSeconds = (performance.now() - wall) / 1000;
    const progress: Record<string, SyncProgress> = {};
    for (const [step, report] of Object.entries(steps)) {
      if (report.outcome !== 'ok' && report.outcome !== 'off')
        throw new Error(`${step} did not finish: ${report.outcome} ${report.error ?? ''}`);
      const p = report.result as Partial<SyncProgress> | undefined;
      if (typeof p?.pages !== 'number') continue;
      progress[step] = p as SyncProgress;
      console.log(
        `  ${step.padEnd(14)} ${String(p.pages).padStart(3)} pages ${String(p.statuses).padStart(5)} statuses`,
      );
    }
    const received = Object.values(progress).reduce((n, p) => n + p.statuses + p.rejected, 0);
    let pageRequests = 0;
    for (const [route, n] of server.stats.byPath)
      if (/^GET \/api\/v1\/(timelines\/|favourites|bookmarks|notifications)/.test(route)) pageRequests += n;
    const stored = (await api.status()).statuses;
    if (user.home.length < Number(values.home))
      throw new Error(`the home feed holds only ${user.home.length} posts`);
    return {
      requests: http.stats.requests,
      page_requests: pageRequests,
      paging_requests: http.stats.pagingRequests,
      statuses_stored: stored,
      statuses_received: received,
      seconds_simulated: Math.round((fediverse.clock.now() - started) / 100) / 10,
      limit_hits: server.stats.limitHits,
      statuses_per_request: Math.round((received / pageRequests) * 100) / 100,
      wall_seconds: Math.round(wallSeconds * 100) / 100,
    };
  } finally {
    await engine.close();
    await fediverse.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const results: RunResult[] = [];
for (let i = 0; i < Number(values.runs); i++) {
  const result = await run(Number(values.seed) + i);
  console.log(`run ${i + 1}: ${JSON.stringify(result)}`);
  results.push(result);
}
const summary: Record<string, number> = {
  runs: results.length,
  home: Number(values.home),
  favourites: Number(values.favourites),
};
for (const key of Object.keys(results[0]!) as (keyof RunResult)[])
  summary[key] = median(results.map((r) => r[key]));
console.log(JSON.stringify(summary));
