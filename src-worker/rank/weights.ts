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
  recency: 1.5,
  social: 0.5,
  conversation: 2.5,
  quiet: 0.3,
  language: 1.5,
  seen: -4,
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
  discover: { ...BALANCED, content: 3, tags: 2, engagement: 1.2, author: 0.8, collaborative: 1, recency: 1 },
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
  /** Examples learned from so far. */
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

export interface Example {
  features: Float32Array;
  offset: number;
  positive: boolean;
}

const LEARNING_RATE = 0.05;
/** Pull toward the prior weights: learning adjusts, it does not run away. */
const REGULARISATION = 0.01;
const EPOCHS = 10;
/** Negatives each positive is compared with per epoch. */
const PAIRS = 8;

/**
 * Pairwise learning to rank (BPR) on one batch of feedback, the posts that were shown: every post
 * acted on should score above the posts passed by, so each positive is compared with a few of the
 * negatives and the weights move along the difference of their features, starting from the current
 * weights and regularised toward the prior. Only the order is learned, so the bias stays as it is.
 * Returns new settings.
 */
export function learnFromFeedback(settings: RankingSettings, examples: readonly Example[]): RankingSettings {
  if (!settings.learning || settings.preset === 'chronological') return settings;
  const positives = examples.filter((e) => e.positive);
  const negatives = examples.filter((e) => !e.positive);
  if (positives.length === 0 || negatives.length === 0) return settings;
  const prior = priorWeights(settings);
  const weights = effectiveWeights(settings);
  const difference = new Float32Array(FEATURE_COUNT);
  // A fixed sequence: the same feedback always teaches the same weights.
  let state = (settings.examples * 2654435761 + examples.length) >>> 0;
  const random = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (const positive of positives) {
      for (let k = 0; k < PAIRS; k++) {
        const negative = negatives[random(negatives.length)]!;
        let margin = 0;
        for (let i = 0; i < FEATURE_COUNT; i++) {
          difference[i] = positive.features[positive.offset + i]! - negative.features[negative.offset + i]!;
          margin += weights[i]! * difference[i]!;
        }
        const step = LEARNING_RATE / (1 + Math.exp(margin));
        for (let i = 0; i < FEATURE_COUNT; i++)
          weights[i]! += step * difference[i]! - LEARNING_RATE * REGULARISATION * (weights[i]! - prior[i]!);
      }
    }
  }
  const learned: Partial<Record<Feature, number>> = {};
  FEATURES.forEach((f, i) => {
    const delta = weights[i]! - prior[i]!;
    if (Math.abs(delta) > 1e-4) learned[f] = Math.round(delta * 1e4) / 1e4;
  });
  return { ...settings, learned, examples: settings.examples + examples.length };
}
