/**
 * The features of a candidate post, each a number in [-1, 1] (most in [0, 1]) so that a weight
 * reads the same for every feature: "how many points a full-strength signal is worth".
 */
import type { AuthorSignals, PersonModel, Signals } from './person-model';
import type { VectorIndex } from './vector-index';
import { RANKING_FEATURES, type RankingFeature } from '../../src-shared/worker-api';

export const FEATURES = RANKING_FEATURES;
export type Feature = RankingFeature;
export const FEATURE_COUNT = FEATURES.length;
/** Column of each feature in a feature row (a literal, so that lookups compile to constants). */
export const F = {
  author: 0,
  tags: 1,
  content: 2,
  engagement: 3,
  recency: 4,
  social: 5,
  conversation: 6,
  quiet: 7,
  language: 8,
  seen: 9,
  collaborative: 10,
} as const satisfies Record<Feature, number>;

/** Where a candidate came from. Everything but 'home' is discovery, mixed in under a cap. */
export type CandidateSource = 'home' | 'list' | 'tag' | 'trend';

export interface Candidate {
  id: number;
  authorId: number;
  authorAcct: string;
  createdAt: number;
  /** When it entered the timeline (a boost's time for a boosted post). */
  enteredAt: number;
  language: string | null;
  tags: readonly string[];
  favourites: number;
  reblogs: number;
  replies: number;
  /** When the counts were read. */
  countsAt: number;
  authorFollowers: number;
  /** Authors of the boosts that brought it into the timeline. */
  boosterIds: readonly number[];
  mentionsMe: boolean;
  inReplyToId: number | null;
  source: CandidateSource;
  /** Slot in the vector index, -1 without an embedding. */
  vectorSlot: number;
  /** Collaborative signal in [0, 1] from the shared daily snapshot; 0 when none. */
  collaborative: number;
}

const HOUR = 3600 * 1000;
const LOG_RECENCY_HORIZON = Math.log1p(24);

/** Profile vectors a ranking compares each post with: the interests, then the dislike. */
export interface ContentQueries {
  vectors: Float32Array;
  /** The strength-weighted mean of the interests: the cheap first pass. */
  summary: Float32Array;
  summaryStrength: number;
  /** How much each interest counts (confidence from the weight of posts behind it). */
  strengths: Float32Array;
  interests: number;
  hasDislike: boolean;
}

/** Cosines between posts on one subject run about 0.1 to 0.4 with hashed n-grams: scale to [0, 1]. */
const SIMILARITY_SCALE = 2.5;

export function contentQueries(model: PersonModel, now: number): ContentQueries {
  const count = model.interests.length + 1;
  const dims = model.dislike.length;
  const vectors = new Float32Array(count * dims);
  const strengths = new Float32Array(model.interests.length);
  model.interests.forEach((interest, i) => {
    vectors.set(interest.vector, i * dims);
    const weight = interest.weight.valueAt(now);
    strengths[i] = weight / (weight + 1.5);
  });
  vectors.set(model.dislike, model.interests.length * dims);
  const summary = new Float32Array(dims);
  let total = 0;
  model.interests.forEach((interest, i) => {
    total += strengths[i]!;
    for (let d = 0; d < dims; d++) summary[d]! += interest.vector[d]! * strengths[i]!;
  });
  let norm = 0;
  for (let d = 0; d < dims; d++) norm += summary[d]! * summary[d]!;
  if (norm > 0) for (let d = 0; d < dims; d++) summary[d]! /= Math.sqrt(norm);
  const summaryStrength = model.interests.length ? total / model.interests.length : 0;
  return {
    vectors,
    strengths,
    summary,
    summaryStrength,
    interests: model.interests.length,
    hasDislike: model.dislikeWeight > 0,
  };
}

/**
 * The content feature of the candidates in `subset`: exactly (the best match among the interests)
 * or, for a first pass over many candidates, against the mean of the interests, which costs one dot
 * product a post instead of one per interest and the dislike.
 */
export function computeContent(
  queries: ContentQueries,
  candidates: readonly Candidate[],
  subset: ArrayLike<number>,
  index: VectorIndex | null,
  exact: boolean,
  out: Float32Array,
  bestInterest?: Int8Array,
): void {
  const usable = index !== null && (queries.interests > 0 || queries.hasDislike);
  const count = exact ? queries.interests + 1 : 1;
  const sims = new Float32Array(usable ? subset.length * count : 0);
  if (usable) {
    const slots = new Int32Array(subset.length);
    for (let k = 0; k < subset.length; k++) slots[k] = candidates[subset[k]!]!.vectorSlot;
    index.dotSlots(slots, exact ? queries.vectors : queries.summary, count, sims);
  }
  for (let k = 0; k < subset.length; k++) {
    const c = subset[k]!;
    let content = 0;
    let interest = -1;
    if (usable && candidates[c]!.vectorSlot >= 0) {
      const at = k * count;
      if (exact) {
        for (let i = 0; i < queries.interests; i++) {
          const score = sims[at + i]! * queries.strengths[i]!;
          if (score > content) [content, interest] = [score, i];
        }
        if (queries.hasDislike) content -= Math.max(0, sims[at + queries.interests]!);
      } else {
        // The first pass leaves the dislike to the second: it only lowers scores.
        content = Math.max(0, sims[at]! * queries.summaryStrength);
      }
    }
    out[c * FEATURE_COUNT + F.content] = Math.max(-1, Math.min(1, content * SIMILARITY_SCALE));
    if (bestInterest) bestInterest[c] = interest;
  }
}

/**
 * Writes each candidate's features but content (see `computeContent`) to `out` (row-major,
 * FEATURE_COUNT a row).
 */
export function computeFeatures(
  model: PersonModel,
  candidates: readonly Candidate[],
  now: number,
  out: Float32Array,
): void {
  const signals = model.signals(now);
  const authors = signals.authors;
  const follows = model.follows;
  const everyBooster = follows.size === 0;
  const threads = model.threads;
  const seen = model.seen;
  // Without view records (an imported history), a post older than the person's last activity
  // was probably scrolled past.
  const passedBefore = seen.size === 0 ? model.lastActiveAt : -Infinity;
  for (let c = 0; c < candidates.length; c++) {
    const post = candidates[c]!;
    const row = c * FEATURE_COUNT;
    let slot = authors.slot(post.authorId);
    if (slot === -1) slot = authorSignal(model, authors, post.authorId, now);
    if (slot >= 0) {
      out[row + F.author] = authors.affinity[slot]!;
      out[row + F.quiet] = authors.quiet[slot]!;
    } else {
      const values = authors.sparseValues(post.authorId) ?? sparseAuthor(model, authors, post.authorId, now);
      out[row + F.author] = values[0];
      out[row + F.quiet] = values[1];
    }

    let tags = 0;
    for (const tag of post.tags) tags += signals.tags.get(tag) ?? tagSignal(model, signals, tag, now);
    out[row + F.tags] = tags / (Math.abs(tags) + 2);

    const ageAtCounts = Math.max(0, post.countsAt - post.createdAt) / HOUR;
    const reactions = post.favourites + 2 * post.reblogs + post.replies;
    const engagement = (3 * reactions) / Math.sqrt((post.authorFollowers + 10) * (ageAtCounts + 1));
    out[row + F.engagement] = engagement / (engagement + 1);

    const age = Math.max(0, now - post.enteredAt) / HOUR;
    out[row + F.recency] = 1 - Math.min(1, Math.log1p(age) / LOG_RECENCY_HORIZON);

    let boosters = 0;
    for (const booster of post.boosterIds) if (everyBooster || follows.has(booster)) boosters++;
    out[row + F.social] = boosters / (boosters + 1);

    out[row + F.conversation] = post.mentionsMe
      ? 1
      : post.inReplyToId !== null && threads.has(post.inReplyToId)
        ? 0.7
        : 0;
    let language = signals.languages.get(post.language);
    if (language === undefined)
      signals.languages.set(post.language, (language = model.languageShare(post.language, now)));
    out[row + F.language] = language;
    out[row + F.seen] = seen.has(post.id) ? 1 : post.enteredAt < passedBefore ? 0.5 : 0;
    out[row + F.collaborative] = post.collaborative;
  }
}

/**
 * Works out an author's affinity (positives per post shown, smoothed) and quietness once per
 * author, into `authors`; returns the author's slot there.
 */
function authorSignal(model: PersonModel, authors: AuthorSignals, authorId: number, now: number): number {
  const taste = model.authors.get(authorId);
  if (!taste) {
    authors.set(authorId, 0, 1);
    return authors.slot(authorId);
  }
  const positive = taste.positive.valueAt(now);
  const negative = taste.negative.valueAt(now);
  const shown = taste.shown.valueAt(now);
  const affinity = (positive - 3 * negative) / (positive + 1 + 0.15 * shown);
  authors.set(authorId, Math.max(-1, Math.min(1, affinity)), 1 / (1 + taste.activity.valueAt(now) / 5));
  return authors.slot(authorId);
}

function sparseAuthor(
  model: PersonModel,
  authors: AuthorSignals,
  authorId: number,
  now: number,
): [number, number] {
  authorSignal(model, authors, authorId, now);
  return authors.sparseValues(authorId)!;
}

/** A hashtag's taste: engaged with minus turned down, plus following it. */
function tagSignal(model: PersonModel, signals: Signals, name: string, now: number): number {
  const key = name.toLowerCase();
  const taste = model.tagTaste(key);
  const score =
    (taste ? taste.positive.valueAt(now) - 2 * taste.negative.valueAt(now) : 0) +
    (model.followedTags.has(key) ? 1.5 : 0);
  signals.tags.set(name, score);
  return score;
}
