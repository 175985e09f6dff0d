/**
 * The weights of the score: a preset gives a starting point, the person can set any weight by hand,
 * and learning from their feedback adds a visible adjustment on top, which they can reset or freeze.
 */
import { RANKING_PRESETS, type RankingPreset } from '../../src-shared/worker-api';
import { FEATURE_COUNT, FEATURES, type Feature } from './features';

export const PRESETS = RANKING_PRESETS;
export type Preset = RankingPreset;

type WeightTable = Record<Feature, number>;

const BALANCED: WeightTable = {
  author: 2.5,
  tags: 1,
  content: 1.5,
  engagement: 0.7,
  recency: 2.8,
  social: 0.5,
  conversation: 2.5,
  quiet: 0.3,
  language: 1.5,
  seen: -8,
  collaborative: 0.5,
};

export const PRESET_WEIGHTS: Record<Preset, WeightTable> = {
  balanced: BALANCED,
  // Chronological is newest first, nothing else; the ranker sorts by time for it.
  chronological: { ...zeros(), recency: 1 },
  friends: {
    ...BALANCED,
    author: 4,
    conversation: 3.5,
    social: 1,
    quiet: 1,
    content: 0.5,
    tags: 0.5,
    engagement: 0.2,
  },
  discussions: { ...BALANCED, conversation: 4, engagement: 1.2, author: 1.5, social: 0.3 },
  discover: {
    ...BALANCED,
    content: 3,
    tags: 2,
    engagement: 1.2,
    author: 0.8,
    collaborative: 1,
    recency: 1.9,
  },
  quiet: { ...BALANCED, quiet: 3, engagement: -0.3, author: 1.5, social: 0.2 },
};

/** Default share of discovery posts (lists, followed hashtags, trends) per preset. */
export const PRESET_DISCOVERY_SHARE: Record<Preset, number> = {
  balanced: 0.2,
  chronological: 0.2,
  friends: 0.1,
  discussions: 0.2,
  discover: 0.4,
  quiet: 0.2,
};

function zeros(): WeightTable {
  return Object.fromEntries(FEATURES.map((f) => [f, 0])) as WeightTable;
}

/** Everything the person has said about how to rank, as stored. */
export interface RankingSettings {
  preset: Preset;
  /** Weights the person set by hand; they replace the preset's. */
  manual: Partial<Record<Feature, number>>;
  /** What learning added on top of the preset or manual weight. */
  learned: Partial<Record<Feature, number>>;
  bias: number;
  learning: boolean;
  /** Share of discovery posts (0 to 1). */
  discoveryShare: number;
  /** Examples the weights were last learned from (see `learnFromFeedback`). */
  examples: number;
}

export function defaultSettings(preset: Preset = 'balanced'): RankingSettings {
  return {
    preset,
    manual: {},
    learned: {},
    bias: -2,
    learning: true,
    discoveryShare: PRESET_DISCOVERY_SHARE[preset],
    examples: 0,
  };
}

/** The weight each feature starts from before learning: manual, else the preset's. */
export function priorWeights(settings: RankingSettings): Float32Array {
  const table = PRESET_WEIGHTS[settings.preset];
  return Float32Array.from(FEATURES, (f) => settings.manual[f] ?? table[f]);
}

export function effectiveWeights(settings: RankingSettings): Float32Array {
  const prior = priorWeights(settings);
  if (settings.preset === 'chronological') return prior;
  return Float32Array.from(FEATURES, (f, i) => prior[i]! + (settings.learned[f] ?? 0));
}

/**
 * A read at least this long counts as a positive when learning weights: shorter ones are as common
 * on posts passed by as on posts liked (measured with `npm run eval`).
 */
export const LONG_DWELL_MS = 20_000;

/** Examples are learned from for this long after their ranking: taste changes. */
export const LEARNING_MEMORY = 14 * 24 * 3600 * 1000;

export interface Example {
  features: Float32Array;
  offset: number;
  /** Acted on, opened, read at length or asked more of within a day of the ranking. */
  positive: boolean;
  /** On screen within that day. */
  viewed: boolean;
}

/**
 * Features whose weights learning leaves as they are: how new a post is and whether it was seen
 * decide whether the person gets to it at all, which the posts they looked at cannot teach.
 */
export const NOT_LEARNED: ReadonlySet<Feature> = new Set(['recency', 'seen']);
/** Pull of every learned weight toward its prior, in examples' worth: learning adjusts, it does not run away. */
const REGULARISATION = 1;
const NEWTON_STEPS = 25;

/**
 * Learns the weights from the examples kept (see `learnFromDayOld`): a logistic regression of
 * "acted on" over the features, fitted anew each time, with every weight pulled toward its prior.
 * When the person's views are recorded it learns only from posts they looked at (or acted on), so
 * that it learns what they like rather than what they happened to reach; without view records it
 * learns from every post ranked. Returns new settings.
 */
export function learnFromFeedback(settings: RankingSettings, examples: readonly Example[]): RankingSettings {
  if (!settings.learning || settings.preset === 'chronological') return settings;
  const usable = examples.filter((e) => {
    for (let i = 0; i < FEATURE_COUNT; i++) if (!Number.isFinite(e.features[e.offset + i]!)) return false;
    return true;
  });
  const byViews = usable.some((e) => e.viewed && !e.positive);
  const rows = byViews ? usable.filter((e) => e.viewed || e.positive) : usable;
  const positives = rows.filter((e) => e.positive).length;
  if (positives === 0 || positives === rows.length) return settings;
  const prior = priorWeights(settings);
  const learned = FEATURES.flatMap((f, i) => (NOT_LEARNED.has(f) ? [] : [i]));
  const fixed = FEATURES.flatMap((f, i) => (NOT_LEARNED.has(f) ? [i] : []));
  const k = learned.length + 1;
  // Each row's inputs (the learned features, then 1 for an intercept: the rate of acting, which no
  // order needs) and, without views, what recency and seen add at their fixed weights: whether a
  // post was reached is then not put down to the features learned.
  const inputs = new Float64Array(rows.length * k);
  const offsets = new Float64Array(rows.length);
  const labels = new Uint8Array(rows.length);
  rows.forEach((e, r) => {
    learned.forEach((f, j) => (inputs[r * k + j] = e.features[e.offset + f]!));
    inputs[r * k + k - 1] = 1;
    if (!byViews) for (const f of fixed) offsets[r]! += prior[f]! * e.features[e.offset + f]!;
    labels[r] = e.positive ? 1 : 0;
  });
  const penalty = Float64Array.from({ length: k }, (_, j) => (j < k - 1 ? REGULARISATION : 1e-4));
  const centre = Float64Array.from({ length: k }, (_, j) => (j < k - 1 ? prior[learned[j]!]! : 0));
  const loss = (w: Float64Array): number => {
    let total = 0;
    for (let r = 0; r < rows.length; r++) {
      let z = offsets[r]!;
      for (let j = 0; j < k; j++) z += w[j]! * inputs[r * k + j]!;
      // log(1 + e^z) - y·z, without overflow.
      total += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - labels[r]! * z;
    }
    for (let j = 0; j < k; j++) total += 0.5 * penalty[j]! * (w[j]! - centre[j]!) ** 2;
    return total;
  };
  // From the prior weights and the person's own rate of acting.
  let w = Float64Array.from(centre);
  w[k - 1] = Math.log(positives / (rows.length - positives));
  let current = loss(w);
  const gradient = new Float64Array(k);
  const hessian = new Float64Array(k * k);
  for (let step = 0; step < NEWTON_STEPS; step++) {
    gradient.fill(0);
    hessian.fill(0);
    for (let r = 0; r < rows.length; r++) {
      let z = offsets[r]!;
      for (let j = 0; j < k; j++) z += w[j]! * inputs[r * k + j]!;
      const p = 1 / (1 + Math.exp(-z));
      const residual = p - labels[r]!;
      const curvature = p * (1 - p);
      for (let a = 0; a < k; a++) {
        const xa = inputs[r * k + a]!;
        gradient[a]! += residual * xa;
        for (let b = 0; b <= a; b++) hessian[a * k + b]! += curvature * xa * inputs[r * k + b]!;
      }
    }
    for (let j = 0; j < k; j++) {
      gradient[j]! += penalty[j]! * (w[j]! - centre[j]!);
      hessian[j * k + j]! += penalty[j]!;
    }
    const delta = solveSymmetric(hessian, gradient, k);
    // A full step, or half of it until the fit gets better: Newton's method can overshoot far
    // from the answer.
    let size = 1;
    let next = w.map((v, j) => v - delta[j]!);
    let after = loss(next);
    while (!(after <= current) && size > 1e-6) {
      size /= 2;
      next = w.map((v, j) => v - size * delta[j]!);
      after = loss(next);
    }
    if (!(after <= current)) break;
    const improvement = current - after;
    [w, current] = [next, after];
    if (improvement < 1e-9 * (1 + current)) break;
  }
  const result: Partial<Record<Feature, number>> = {};
  learned.forEach((f, j) => {
    const change = w[j]! - prior[f]!;
    if (Number.isFinite(change) && Math.abs(change) > 1e-4)
      result[FEATURES[f]!] = Math.round(change * 1e4) / 1e4;
  });
  return { ...settings, learned: result, examples: rows.length };
}

/**
 * Solves H x = g for a symmetric positive definite H given by its lower triangle (row-major, n by
 * n), by Cholesky decomposition.
 */
function solveSymmetric(h: Float64Array, g: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = h[i * n + j]!;
      for (let m = 0; m < j; m++) sum -= l[i * n + m]! * l[j * n + m]!;
      l[i * n + j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j * n + j]!;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = g[i]!;
    for (let m = 0; m < i; m++) sum -= l[i * n + m]! * y[m]!;
    y[i] = sum / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let m = i + 1; m < n; m++) sum -= l[m * n + i]! * x[m]!;
    x[i] = sum / l[i * n + i]!;
  }
  return x;
}
