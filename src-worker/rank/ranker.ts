/**
 * Ranking a set of candidates for one person: features, the weighted score, the diversity pass.
 * Pure computation over memory; the worker and the offline evaluation both call it.
 */
import { DEFAULT_LIMITS, diversify, type DiversityLimits } from './diversity';
import { explain, type Explanation } from './explain';
import { computeFeatures, FEATURE_COUNT, type Candidate } from './features';
import type { PersonModel } from './person-model';
import type { VectorIndex } from './vector-index';
import { effectiveWeights, type RankingSettings } from './weights';

export const MODEL_VERSION = 'corgi-rank/1';

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
  const order = Array.from({ length: n }, (_, i) => i);
  if (settings.preset === 'chronological') {
    order.sort(
      (a, b) => candidates[b]!.enteredAt - candidates[a]!.enteredAt || candidates[b]!.id - candidates[a]!.id,
    );
    order.forEach((c, rank) => (scores[c] = n - rank));
    return { order, scores, features, interests, weights, bias: 0 };
  }
  computeFeatures(model, candidates, index, now, features, interests);
  for (let c = 0; c < n; c++) {
    let score = settings.bias;
    const row = c * FEATURE_COUNT;
    for (let i = 0; i < FEATURE_COUNT; i++) score += weights[i]! * features[row + i]!;
    scores[c] = score;
  }
  order.sort((a, b) => scores[b]! - scores[a]! || candidates[b]!.enteredAt - candidates[a]!.enteredAt);
  if (options.diversity === false)
    return { order, scores, features, interests, weights, bias: settings.bias };
  const limits = { ...DEFAULT_LIMITS, discoveryShare: settings.discoveryShare, ...options.limits };
  return {
    order: diversify(order, candidates, limits, options.preceding),
    scores,
    features,
    interests,
    weights,
    bias: settings.bias,
  };
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
