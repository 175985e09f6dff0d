/**
 * Ranking a set of candidates for one person: features, the weighted score, the diversity pass.
 * Pure computation over memory; the worker and the offline evaluation both call it.
 */
import { DEFAULT_LIMITS, diversify, type DiversityLimits } from './diversity';
import { explain, type Explanation } from './explain';
import {
  addNearestNeighbours,
  computeContent,
  computeFeatures,
  FEATURE_COUNT,
  matchInterests,
  type Candidate,
} from './features';
import type { PersonModel } from './person-model';
import type { VectorIndex } from './vector-index';
import { sortByIntegerKey } from './packed-sort';
import { effectiveWeights, type RankingSettings } from './weights';

/** Candidates from the top whose closest interest is found, for explanations (the pages anyone reads). */
const EXPLAINED = 600;
/** The diversity pass orders this many from the top; below, posts keep their score order. */
const DIVERSIFIED = 2000;

/**
 * Written with every page in the ranking log; it changes when what a feature measures changes, so
 * that logged contributions and features are read against the right definitions. 2: reading pace
 * from visit times, author rates per post viewed apart for followed authors and strangers, thread
 * replies apart from mentions, no quiet-poster lift for authors never in the home timeline. 3:
 * recency mostly the chance of reaching a post (a log-probability), hashtags rated per post viewed
 * like authors, weights learned from the posts looked at.
 */
export const MODEL_VERSION = 'corgi-rank/3';

export interface Ranking {
  /** Candidate indices, best first. */
  order: number[];
  scores: Float32Array;
  features: Float32Array;
  interests: Int8Array;
  weights: Float32Array;
  bias: number;
}

export interface RankOptions {
  limits?: Partial<DiversityLimits>;
  /** Skip the diversity pass (the evaluation reports both). */
  diversity?: boolean;
  /** Posts already shown just above these, oldest first, for the diversity pass. */
  preceding?: readonly Candidate[];
}

export function rankCandidates(
  model: PersonModel,
  candidates: readonly Candidate[],
  index: VectorIndex | null,
  settings: RankingSettings,
  now: number,
  options: RankOptions = {},
): Ranking {
  const n = candidates.length;
  const features = new Float32Array(n * FEATURE_COUNT);
  const interests = new Int8Array(n);
  const weights = effectiveWeights(settings);
  const scores = new Float32Array(n);
  const order: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (settings.preset === 'chronological') {
    order.sort(
      (a, b) => candidates[b]!.enteredAt - candidates[a]!.enteredAt || candidates[b]!.id - candidates[a]!.id,
    );
    order.forEach((c, rank) => (scores[c] = n - rank));
    return { order, scores, features, interests, weights, bias: 0 };
  }
  computeFeatures(model, candidates, now, features);
  computeContent(model, candidates, index, features);
  const width = FEATURE_COUNT;
  const bias = settings.bias;
  for (let c = 0; c < n; c++) {
    let total = bias;
    const row = c * width;
    for (let i = 0; i < width; i++) total += weights[i]! * features[row + i]!;
    scores[c] = total;
  }
  sortByScore(order, scores);
  // The best are also compared with each post the person acted on lately, then ordered again.
  const best = order.slice(0, EXPLAINED);
  if (addNearestNeighbours(model, candidates, best, index, features)) {
    for (const c of best) {
      let total = bias;
      const row = c * width;
      for (let i = 0; i < width; i++) total += weights[i]! * features[row + i]!;
      scores[c] = total;
    }
    sortByScore(best, scores);
    for (let i = 0; i < best.length; i++) order[i] = best[i]!;
  }
  interests.fill(-1);
  matchInterests(model, candidates, order.slice(0, EXPLAINED), index, now, interests);
  if (options.diversity === false)
    return { order, scores, features, interests, weights, bias: settings.bias };
  const limits = { ...DEFAULT_LIMITS, discoveryShare: settings.discoveryShare, ...options.limits };
  const head = diversify(order.slice(0, DIVERSIFIED), candidates, limits, options.preceding);
  for (let i = 0; i < head.length; i++) order[i] = head[i]!;
  return {
    order,
    scores,
    features,
    interests,
    weights,
    bias: settings.bias,
  };
}

const SCRATCH = new DataView(new ArrayBuffer(4));

/** Sorts candidate indices by score, best first, ties by index. */
export function sortByScore(order: number[], scores: Float32Array): void {
  sortByIntegerKey(order, (c) => {
    SCRATCH.setFloat32(0, scores[c]!);
    const bits = SCRATCH.getUint32(0);
    // The float's bits made order-preserving (flip all bits of negatives, the sign bit of
    // positives), then reversed for descending order.
    return 0xffffffff - (bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0);
  });
}

/** The explanation of one ranked candidate. */
export function explainRanked(
  ranking: Ranking,
  candidates: readonly Candidate[],
  c: number,
  model: PersonModel,
  now: number,
): Explanation {
  return explain(
    candidates[c]!,
    ranking.features,
    c * FEATURE_COUNT,
    ranking.weights,
    ranking.bias,
    model,
    ranking.interests[c]!,
    now,
  );
}
