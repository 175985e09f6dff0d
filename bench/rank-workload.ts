/**
 * The ranking benchmark's workload, the same in Node and in a Chromium worker: 100,000 stored posts
 * with embeddings made by the default embedder from generated text, a person with 5,000
 * interactions over two months, and 10,000 candidates ranked with every feature and the diversity
 * pass. Deterministic for a seed.
 */
import { Rng } from './generate';
import {
  DocumentFrequencies,
  HashedNgramEmbedder,
  quantize,
  type EmbedInput,
} from '../src-worker/rank/embedder';
import type { Candidate } from '../src-worker/rank/features';
import { PersonModel, type FeedbackKind } from '../src-worker/rank/person-model';
import { rankCandidates } from '../src-worker/rank/ranker';
import { VectorIndex } from '../src-worker/rank/vector-index';
import { defaultSettings, learnFromFeedback, type RankingSettings } from '../src-worker/rank/weights';

export interface RankBenchOptions {
  posts: number;
  interactions: number;
  candidates: number;
  runs: number;
  seed: number;
}

export interface RankBenchResult {
  setupMs: number;
  embedPerS: number;
  timings: number[];
  p50: number;
  p95: number;
  /** Rankings right after the model learned something, which works out every author's signals anew. */
  p50AfterChange: number;
  /** What the ranker holds: the vector index plus the person model, estimated by size. */
  rankerMemoryMb: number;
  vectorMb: number;
}

const HOUR = 3600 * 1000;
const KINDS: readonly (readonly [FeedbackKind, number])[] = [
  ['favourite', 60],
  ['boost', 15],
  ['reply', 8],
  ['bookmark', 5],
  ['open', 8],
  ['less_like_this', 2],
  ['more_like_this', 2],
];

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

interface Scenario {
  index: VectorIndex;
  model: PersonModel;
  candidates: Candidate[];
  settings: RankingSettings;
  embedPerS: number;
}

/** Builds the scenario; the generated texts are garbage once it returns, before anything is timed. */
export function buildScenario(options: RankBenchOptions, now: number): Scenario {
  const rng = new Rng(options.seed);
  const vocab = Array.from({ length: 40 }, () =>
    Array.from({ length: 60 }, () => `w${rng.int(1e6).toString(36)}`),
  );
  const common = Array.from({ length: 300 }, () => `c${rng.int(1e6).toString(36)}`);
  const authors = 8000;
  const texts: EmbedInput[] = [];
  const meta: { author: number; topic: number; tags: string[]; at: number }[] = [];
  for (let i = 0; i < options.posts; i++) {
    const topic = rng.int(vocab.length);
    const words: string[] = [];
    for (let w = rng.range(8, 40); w > 0; w--)
      words.push(rng.chance(0.35) ? rng.pick(vocab[topic]!) : rng.pick(common));
    const tags = rng.chance(0.4) ? [`t${topic}`] : [];
    texts.push({ text: words.join(' '), tags, mentions: [], links: [], language: 'en' });
    meta.push({ author: rng.int(authors), topic, tags, at: now - rng.int(60 * 24) * HOUR });
  }
  const frequencies = new DocumentFrequencies();
  for (const text of texts.slice(0, 20000)) frequencies.observe(text);
  const embedder = new HashedNgramEmbedder(frequencies);
  const index = new VectorIndex();
  const embedStarted = performance.now();
  for (let i = 0; i < texts.length; i++) index.set(i + 1, quantize(embedder.embed(texts[i]!)));
  const embedPerS = texts.length / ((performance.now() - embedStarted) / 1000);

  const model = new PersonModel();
  for (let i = 0; i < options.interactions; i++) {
    const id = rng.int(options.posts) + 1;
    const m = meta[id - 1]!;
    const kind = rng.weighted(KINDS);
    model.observeFeedback(
      kind,
      {
        id,
        authorId: m.author,
        tags: m.tags,
        language: 'en',
        inReplyToId: null,
        vector: index.vector(index.slotOf(id)),
      },
      now - rng.int(60 * 24) * HOUR,
    );
  }
  for (let i = 0; i < 20000; i++) model.observeSeen(rng.int(options.posts) + 1, now - rng.int(72) * HOUR);
  for (let i = 0; i < 30000; i++) model.observeShown(rng.int(authors), now - rng.int(21 * 24) * HOUR);

  const candidates: Candidate[] = [];
  for (let i = 0; i < options.candidates; i++) {
    const id = options.posts - i;
    const m = meta[id - 1]!;
    const enteredAt = now - rng.int(72 * 60) * 60000;
    candidates.push({
      id,
      authorId: m.author,
      authorAcct: `author${m.author}@example.social`,
      createdAt: enteredAt - rng.int(3 * HOUR),
      enteredAt,
      language: rng.chance(0.9) ? 'en' : 'de',
      tags: m.tags,
      favourites: rng.int(50),
      reblogs: rng.int(20),
      replies: rng.int(10),
      countsAt: enteredAt + HOUR,
      authorFollowers: rng.int(5000),
      boosterIds: rng.chance(0.2) ? [rng.int(authors)] : [],
      mentionsMe: rng.chance(0.01),
      inThread: false,
      inReplyToId: null,
      source: rng.chance(0.85) ? 'home' : rng.pick(['list', 'tag', 'trend'] as const),
      vectorSlot: index.slotOf(id),
      collaborative: 0,
    });
  }
  // Settings as after some learning.
  let settings = defaultSettings();
  const warm = rankCandidates(model, candidates, index, settings, now);
  settings = learnFromFeedback(
    settings,
    warm.order
      .slice(0, 400)
      .map((c, i) => ({ features: warm.features, offset: c * 11, positive: i % 9 === 0, viewed: i < 200 })),
  );
  return { index, model, candidates, settings, embedPerS };
}

export function runRankBench(options: RankBenchOptions, now = Date.UTC(2026, 10, 1)): RankBenchResult {
  const started = performance.now();
  const { index, model, candidates, settings, embedPerS } = buildScenario(options, now);
  const setupMs = performance.now() - started;
  // Warm up: let the JIT compile the ranking and the heap settle after the setup's garbage.
  for (let run = 0; run < 5; run++) rankCandidates(model, candidates, index, settings, now);

  const timings: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    const t0 = performance.now();
    rankCandidates(model, candidates, index, settings, now + run * 1000);
    timings.push(performance.now() - t0);
  }
  const afterChange: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    model.observeShown(candidates[run]!.authorId, now + run * 1000);
    const t0 = performance.now();
    rankCandidates(model, candidates, index, settings, now + run * 1000);
    afterChange.push(performance.now() - t0);
  }
  afterChange.sort((a, b) => a - b);
  const sorted = [...timings].sort((a, b) => a - b);
  // The model: per author ~5 numbers and a map entry, per tag ~2, interests 256 floats each, seen ids.
  const modelBytes =
    model.authors.size * 160 +
    model.tags.size * 96 +
    model.interests.length * 1100 +
    model.seen.size * 40 +
    model.threads.size * 40;
  return {
    setupMs,
    embedPerS,
    timings,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p50AfterChange: quantile(afterChange, 0.5),
    rankerMemoryMb: (index.bytes + index.size * 40 + modelBytes) / 1048576,
    vectorMb: index.bytes / 1048576,
  };
}
