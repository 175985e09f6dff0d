/**
 * npm run bench:rank [-- --runs N --seed N]
 * Ranks 10,000 candidates among 100,000 stored posts with embeddings, for a person with 5,000
 * interactions, with every feature and the diversity pass, in Node and in a Chromium worker
 * (bench/rank-page, built with vite): p50/p95 of repeated rankings, p50 of rankings right after the
 * person model changed (every author's signals worked out anew), and the memory the ranker holds.
 * Last line: one JSON object.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { launchBrowser } from '../test/support/browser';
import { serveDirectory } from '../test/support/static-server';
import { buildBenchPage } from './build-page';
import { runRankBench, type RankBenchOptions } from './rank-workload';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '40' }, seed: { type: 'string', default: '7' } },
});
const options: RankBenchOptions = {
  posts: 100_000,
  interactions: 5_000,
  candidates: 10_000,
  runs: Number(values.runs),
  seed: Number(values.seed),
};

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

const node = runRankBench(options);
console.log(
  `[node] setup ${(node.setupMs / 1000).toFixed(1)} s, embedding ${node.embedPerS.toFixed(0)} posts/s; rank 10k p50 ${node.p50.toFixed(2)} ms, p95 ${node.p95.toFixed(2)} ms; ranker holds ${node.rankerMemoryMb.toFixed(1)} MB`,
);

const outDir = buildBenchPage('bench/rank-page');

const server = await serveDirectory(outDir);
const browser = await launchBrowser();
let chromium;
try {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => console.error(`[chromium] page error: ${error.message}`));
  await page.goto(server.url);
  await page.waitForFunction(() => typeof window.runRankBench === 'function');
  chromium = await page.evaluate((o) => window.runRankBench(o), options);
} finally {
  await browser.close();
  await server.close();
  fs.rmSync(outDir, { recursive: true, force: true });
}
console.log(
  `[chromium worker] setup ${(chromium.setupMs / 1000).toFixed(1)} s, embedding ${chromium.embedPerS.toFixed(0)} posts/s; rank 10k p50 ${chromium.p50.toFixed(2)} ms, p95 ${chromium.p95.toFixed(2)} ms`,
);
console.log(
  JSON.stringify({
    posts: options.posts,
    interactions: options.interactions,
    candidates: options.candidates,
    runs: options.runs,
    rank10k_p50_ms_node: round(node.p50),
    rank10k_p95_ms_node: round(node.p95),
    rank10k_p50_ms_node_after_change: round(node.p50AfterChange),
    rank10k_p50_ms_chromium: round(chromium.p50),
    rank10k_p95_ms_chromium: round(chromium.p95),
    rank10k_p50_ms_chromium_after_change: round(chromium.p50AfterChange),
    ranker_memory_mb: round(node.rankerMemoryMb, 1),
    vectors_mb: round(node.vectorMb, 1),
    embed_per_s_node: Math.round(node.embedPerS),
    embed_per_s_chromium: Math.round(chromium.embedPerS),
  }),
);
