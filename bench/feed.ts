/**
 * npm run bench:feed [-- --posts N --runs N]
 * What the reader waits for when they ask for new posts: the real engine in Node (wa-sqlite on a
 * temporary directory) holding N posts from the benchmark generator (one every 30 s, so 8,640 in
 * the ranking's 72 hours), all embedded, and 5,000 interactions. Each run records one more view
 * and then refreshes the ranked feed (the person model brought up to date, every candidate loaded, ranked, explained and written by position), then reads the
 * first page. Also the count of new posts waiting (asked every few seconds), the refresh a day
 * after the first ranking, which learns from it first, and the refresh after an undo, which builds
 * the person model afresh. Then background embedding with nothing to do (asked every few seconds),
 * and an embedder upgrade: every post counted and embedded again, in the worker's batches.
 * Last line: one JSON object.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createWorkerApi } from '../src-worker/engine';
import { openNodeEngine } from '../src-worker/node/open-node-engine';
import { BASE_TIME, StatusGenerator } from './generate';

const { values } = parseArgs({
  options: { posts: { type: 'string', default: '30000' }, runs: { type: 'string', default: '15' } },
});
const POSTS = Number(values.posts);
const RUNS = Number(values.runs);
const INTERACTIONS = 5000;

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'corgi-bench-feed-'));
let clock = BASE_TIME + 60_000;
const engine = await openNodeEngine({ directory, now: () => clock });
try {
  const api = createWorkerApi(engine);
  const account = await api.accounts.upsert({
    instance: 'mastodon.social',
    remoteId: '1',
    acct: 'me',
    displayName: '',
  });
  let started = performance.now();
  const generator = new StatusGenerator(42);
  for (let page = 0; page * 1000 < POSTS; page++, clock += 1000)
    await api.ingest.statuses({
      accountId: account.id,
      timeline: 'home',
      statuses: generator.page(page, 1000, POSTS).statuses,
    });
  while ((await api.ranking.embedPending(5000)) > 0);
  // The person's history, written directly: how it got there is not what is measured.
  await engine.write(async (tx) => {
    const ids = await tx.all<{ id: number }>('SELECT id FROM statuses ORDER BY id DESC LIMIT ?', [
      INTERACTIONS,
    ]);
    for (const [i, { id }] of ids.entries())
      await tx.run(
        'INSERT INTO interactions (account_id, status_id, kind, at, value) VALUES (NULL, ?, ?, ?, 1)',
        [id, i % 10 === 0 ? 'favourite' : 'view', clock - (INTERACTIONS - i) * 20_000],
      );
  });
  const setupMs = performance.now() - started;

  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1]!;
  const ids = (await api.timeline.page({ order: 'chronological', limit: 200 })).posts.map((p) => p.id);
  const refreshes: number[] = [];
  const pages: number[] = [];
  let candidates = 0;
  for (let run = 0; run < RUNS + 2; run++) {
    clock += 60_000;
    await api.interactions.record({ statusId: ids[run % ids.length]!, kind: 'view' });
    started = performance.now();
    candidates = await api.ranking.refresh();
    const refreshMs = performance.now() - started;
    started = performance.now();
    await api.timeline.page({ order: 'ranked', limit: 40 });
    const pageMs = performance.now() - started;
    // The first two warm up the caches (vectors, document frequencies, the person model).
    if (run >= 2) {
      refreshes.push(refreshMs);
      pages.push(pageMs);
    }
  }
  // The count behind "new posts", asked every few seconds while the app is open: a few posts came
  // in since the last ranking.
  clock += 60_000;
  await api.ingest.statuses({
    accountId: account.id,
    timeline: 'home',
    // Newer than any before: the generator's timeline walked back up from its top.
    statuses: Array.from({ length: 20 }, (_, i) => generator.status(-20 + i)),
  });
  const counts: number[] = [];
  let waiting = 0;
  for (let run = 0; run < RUNS + 2; run++) {
    started = performance.now();
    waiting = await api.ranking.newPosts();
    if (run >= 2) counts.push(performance.now() - started);
  }
  // A day after the first ranking: that ranking's candidates are learned from first.
  clock += 24 * 3600_000;
  started = performance.now();
  await api.ranking.refresh();
  const learningMs = performance.now() - started;
  const rebuilds: number[] = [];
  for (let run = 0; run < 5; run++) {
    clock += 60_000;
    const id = ids[100 + run]!;
    await api.interactions.record({ statusId: id, kind: 'favourite' });
    await api.interactions.undo({ statusId: id, kind: 'favourite' });
    started = performance.now();
    await api.ranking.refresh();
    rebuilds.push(performance.now() - started);
  }
  // Background embedding with nothing to do: what the worker pays every few seconds.
  const idle: number[] = [];
  for (let run = 0; run < 5; run++) {
    started = performance.now();
    await api.ranking.embedPending(200);
    idle.push(performance.now() - started);
  }
  // An embedder upgrade, started as the worker starts, in its batches: every post counted again,
  // then embedded again.
  await engine.write(async (tx) => {
    await tx.run("UPDATE embeddings SET model_id = 'hashgram-256/1.g2'");
    await tx.run('DELETE FROM embedder_state');
  });
  const upgraded = createWorkerApi(engine);
  let longestBatch = 0;
  started = performance.now();
  for (;;) {
    const batchStarted = performance.now();
    const done = await upgraded.ranking.embedPending(200);
    longestBatch = Math.max(longestBatch, performance.now() - batchStarted);
    if (done === 0) break;
  }
  const upgradeMs = performance.now() - started;
  const round = (x: number): number => Math.round(x * 10) / 10;
  console.log(
    `[node] ${POSTS} posts, ${candidates} candidates, setup ${(setupMs / 1000).toFixed(1)} s; ` +
      `refresh p50 ${round(median(refreshes))} ms, p95 ${round(p95(refreshes))} ms; ` +
      `after an undo ${round(median(rebuilds))} ms; learning from a day-old ranking ${round(learningMs)} ms; ` +
      `first page ${round(median(pages))} ms; counting ${waiting} new posts ${round(median(counts))} ms; ` +
      `embedding with nothing to do ${round(median(idle))} ms; an embedder upgrade ${round(upgradeMs / 1000)} s ` +
      `in batches of 200, the longest ${round(longestBatch)} ms`,
  );
  console.log(
    JSON.stringify({
      posts: POSTS,
      interactions: INTERACTIONS,
      candidates,
      runs: RUNS,
      refresh_p50_ms_node: round(median(refreshes)),
      refresh_p95_ms_node: round(p95(refreshes)),
      refresh_after_undo_p50_ms_node: round(median(rebuilds)),
      refresh_learning_ms_node: round(learningMs),
      first_page_p50_ms_node: round(median(pages)),
      new_posts_count_p50_ms_node: round(median(counts)),
      embed_idle_p50_ms_node: round(median(idle)),
      embedder_upgrade_s_node: round(upgradeMs / 1000),
      embedder_upgrade_longest_batch_ms_node: round(longestBatch),
    }),
  );
} finally {
  await engine.close();
  fs.rmSync(directory, { recursive: true, force: true });
}
