/**
 * The features of a candidate post, each a number in [-1, 1] (most in [0, 1]) so that a weight
 * reads the same for every feature: "how many points a full-strength signal is worth".
 */
import {
  PASSED_OVER,
  type AuthorSignals,
  type BaseRates,
  type PersonModel,
  type Signals,
  type TagTaste,
} from './person-model';
import { MAX_SORT_KEY, sortByIntegerKey } from './packed-sort';
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
  /** A reply in a thread the person took part in, when the store already knows (else `inReplyToId`). */
  inThread: boolean;
  inReplyToId: number | null;
  source: CandidateSource;
  /** Slot in the vector index, -1 without an embedding. */
  vectorSlot: number;
  /** Collaborative signal in [0, 1] from the shared daily snapshot; 0 when none. */
  collaborative: number;
}

const HOUR = 3600 * 1000;
const LOG_RECENCY_HORIZON = Math.log1p(24);
/**
 * The chance of reaching a post falls off over this share of a visit's reading around the point
 * where the visit ends (a logistic step, not a cliff: visits vary).
 */
const REACH_SOFTNESS = 0.1;
/** The reach term is the log of the chance of reaching a post, floored at this chance. */
const REACH_FLOOR = 0.01;
/**
 * An author's rate is smoothed toward the person's base rate for authors they follow (or for the
 * others) as if they had viewed this many of the author's posts, or as many as two positives take at
 * the base rate, whichever is more: a few posts scrolled past say little about a person who rarely
 * acts on anything.
 */
const AUTHOR_PRIOR_VIEWS = 20;
const AUTHOR_PRIOR_POSITIVES = 2;
/** What following a hashtag adds to its taste (on the scale of a rate twice the person's own). */
const FOLLOWED_TAG = 0.35;

/**
 * A post's cosine with the closest of the posts a person acted on runs from about 0.2 to 0.6 with
 * the hashed n-gram embedder (higher for the posts they act on): scaled so that 0.5 is full
 * strength, for that lift and for closeness to what they said "less like this" to.
 */
const SIMILARITY_SCALE = 2;
/** The taste model's log-odds for a post run a few units either way: tanh(x / 4) maps them to (-1, 1). */
const TASTE_SCALE = 4;

/**
 * The content feature of every candidate: what the person's taste model (see PersonModel.taste)
 * makes of the post, less its closeness to what they said "less like this" to.
 */
export function computeContent(
  model: PersonModel,
  candidates: readonly Candidate[],
  index: VectorIndex | null,
  out: Float32Array,
): void {
  const n = candidates.length;
  if (index === null) {
    for (let c = 0; c < n; c++) out[c * FEATURE_COUNT + F.content] = 0;
    return;
  }
  const dims = model.taste.length;
  const count = model.dislikeWeight > 0 ? 2 : 1;
  const queries = new Float32Array(count * dims);
  queries.set(model.taste);
  if (count === 2) queries.set(model.dislike, dims);
  const slots = new Int32Array(n);
  for (let c = 0; c < n; c++) slots[c] = candidates[c]!.vectorSlot;
  const sims = new Float32Array(n * count);
  index.dotSlots(slots, queries, count, sims);
  for (let c = 0; c < n; c++) {
    let content = Math.tanh(sims[c * count]! / TASTE_SCALE);
    if (count === 2) content -= Math.max(0, sims[c * count + 1]!) * SIMILARITY_SCALE;
    out[c * FEATURE_COUNT + F.content] = Math.max(-1, Math.min(1, content));
  }
}

/**
 * How much the closest post the person acted on adds to content (its cosine, scaled to [0, 1]):
 * a subject they acted on only a few times, too few for the taste model, still counts.
 */
const NEIGHBOUR_LIFT = 0.5;

/**
 * For each post in `subset`, its closeness to the nearest of the posts the person acted on most
 * recently (cosine scaled to [0, 1]; a post is not its own neighbour), added to its content.
 * Returns whether anything changed.
 */
export function addNearestNeighbours(
  model: PersonModel,
  candidates: readonly Candidate[],
  subset: readonly number[],
  index: VectorIndex | null,
  out: Float32Array,
): boolean {
  const neighbours = model.neighbours;
  if (index === null || neighbours.length === 0) return false;
  const dims = model.taste.length;
  const slots = new Int32Array(subset.length);
  for (let k = 0; k < subset.length; k++) slots[k] = candidates[subset[k]!]!.vectorSlot;
  const nearest = new Float32Array(subset.length);
  const batch = 16;
  const sims = new Float32Array(subset.length * batch);
  for (let from = 0; from < neighbours.length; from += batch) {
    const count = Math.min(batch, neighbours.length - from);
    const queries = new Float32Array(count * dims);
    for (let q = 0; q < count; q++) queries.set(neighbours[from + q]!.vector, q * dims);
    index.dotSlots(slots, queries, count, sims);
    for (let k = 0; k < subset.length; k++) {
      const id = candidates[subset[k]!]!.id;
      for (let q = 0; q < count; q++)
        if (sims[k * count + q]! > nearest[k]! && neighbours[from + q]!.id !== id)
          nearest[k] = sims[k * count + q]!;
    }
  }
  for (let k = 0; k < subset.length; k++) {
    if (slots[k]! < 0) continue;
    const at = subset[k]! * FEATURE_COUNT + F.content;
    out[at] = Math.min(1, out[at]! + NEIGHBOUR_LIFT * Math.min(1, nearest[k]! * SIMILARITY_SCALE));
  }
  return true;
}

/**
 * Which of the person's interests each post in `subset` is most like (similarity times the
 * interest's strength), -1 for none: what an explanation names ("Like posts you bookmarked about
 * #rust").
 */
export function matchInterests(
  model: PersonModel,
  candidates: readonly Candidate[],
  subset: ArrayLike<number>,
  index: VectorIndex | null,
  now: number,
  out: Int8Array,
): void {
  const count = model.interests.length;
  if (index === null || count === 0) return;
  const dims = model.taste.length;
  const vectors = new Float32Array(count * dims);
  const strengths = new Float32Array(count);
  model.interests.forEach((interest, i) => {
    vectors.set(interest.vector, i * dims);
    const weight = interest.weight.valueAt(now);
    strengths[i] = weight / (weight + 1.5);
  });
  const slots = new Int32Array(subset.length);
  for (let k = 0; k < subset.length; k++) slots[k] = candidates[subset[k]!]!.vectorSlot;
  const sims = new Float32Array(subset.length * count);
  index.dotSlots(slots, vectors, count, sims);
  for (let k = 0; k < subset.length; k++) {
    let best = -1;
    let bestScore = 0;
    for (let i = 0; i < count; i++) {
      const score = sims[k * count + i]! * strengths[i]!;
      if (score > bestScore) [best, bestScore] = [i, score];
    }
    out[subset[k]!] = best;
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
  // Without view records (an imported history, reading elsewhere), a post that was in the timeline
  // when their latest visit began was probably scrolled past.
  const passedBefore = seen.size === 0 ? model.visitStart : -Infinity;
  const passedOver = seen.size > 0 ? model.passedOverBefore(now) : -Infinity;
  // Reading pace: whether the person will get this far down their unread posts in their next visit.
  const viewed = new Uint8Array(candidates.length);
  for (let c = 0; c < candidates.length; c++) if (seen.has(candidates[c]!.id)) viewed[c] = 1;
  const unreadAbove = unreadAboveEach(candidates, viewed);
  const reach = new ReachTerm(model, now);
  const base = signals.base;
  for (let c = 0; c < candidates.length; c++) {
    const post = candidates[c]!;
    const row = c * FEATURE_COUNT;
    let slot = authors.slot(post.authorId);
    if (slot === -1) slot = authorSignal(model, authors, post.authorId, base, now);
    if (slot >= 0) {
      out[row + F.author] = authors.affinity[slot]!;
      out[row + F.quiet] = authors.quiet[slot]!;
    } else {
      const values =
        authors.sparseValues(post.authorId) ?? sparseAuthor(model, authors, post.authorId, base, now);
      out[row + F.author] = values[0];
      out[row + F.quiet] = values[1];
    }

    let tags = 0;
    for (const tag of post.tags) tags += signals.tags.get(tag) ?? tagSignal(model, signals, tag, now);
    out[row + F.tags] = Math.max(-1, Math.min(1, tags));

    const ageAtCounts = Math.max(0, post.countsAt - post.createdAt) / HOUR;
    const reactions = post.favourites + 2 * post.reblogs + post.replies;
    const engagement = (3 * reactions) / Math.sqrt((post.authorFollowers + 10) * (ageAtCounts + 1));
    out[row + F.engagement] = engagement / (engagement + 1);

    const age = Math.max(0, now - post.enteredAt) / HOUR;
    // A fifth by the hour, the rest by the person's reading pace: with the default weight the pace
    // term counts as the log of the chance of reaching the post, as a log-odds of liking it counts.
    const pace =
      post.enteredAt < passedOver && viewed[c] === 0
        ? -1
        : reach.at(unreadAbove[c]!, post.enteredAt >= model.visitStart - PASSED_OVER);
    out[row + F.recency] = 0.2 * (1 - Math.min(1, Math.log1p(age) / LOG_RECENCY_HORIZON)) + 0.8 * pace;

    let boosters = 0;
    for (const booster of post.boosterIds) if (everyBooster || follows.has(booster)) boosters++;
    out[row + F.social] = boosters / (boosters + 1);

    out[row + F.conversation] = post.mentionsMe ? 1 : inThread(post, threads) ? 0.7 : 0;
    out[row + F.language] =
      signals.languages.get(post.language) ?? languageSignal(model, signals, post.language, now);
    out[row + F.seen] = viewed[c] === 1 ? 1 : post.enteredAt < passedBefore ? 0.5 : 0;
    out[row + F.collaborative] = post.collaborative;
  }
}

/**
 * The reading-pace term for a post with `above` unread posts above it, in [-1, 1]: the log of the
 * chance that the person reads that far down in their next visit, from how many posts a visit of
 * theirs reads and how many usually arrive on top before it (see PersonModel). While they read, the
 * chance that what is left of this visit gets there, or else the next visit (which reads down to a
 * little before this one began: `nextToo` says whether the post is that new). It depends only on
 * the count, so it is worked out once per count.
 */
class ReachTerm {
  /** Posts the visit under way will still read; 0 when the person is not reading. */
  private readonly left: number;
  private readonly capacity: number;
  private readonly arrivals: number[];
  /** Worked out every `step` posts (a few dozen steps across the fall-off): the curve is smooth. */
  private readonly step: number;
  private readonly values: number[][] = [[], []];

  constructor(model: PersonModel, now: number) {
    this.capacity = model.readsPerVisit();
    const read = model.readSoFar(now);
    this.left = read > 0 ? Math.max(1, this.capacity - read) : 0;
    this.arrivals = model.arrivalsBeforeNextVisit(now, true);
    this.step = Math.max(1, Math.floor((REACH_SOFTNESS * this.capacity) / 4));
  }

  at(above: number, nextToo = true): number {
    const values = this.values[this.left > 0 && !nextToo ? 1 : 0]!;
    const i = Math.floor(above / this.step);
    if (i < values.length) return values[i]!;
    // Past the point where the chance is nil, every count has the floor's value.
    if (values.length > 0 && values[values.length - 1] === -1) return -1;
    while (values.length <= i) {
      const depth = values.length * this.step;
      let chance: number;
      if (this.left === 0) chance = this.nextVisit(depth);
      else {
        const now = reached(depth, this.left, REACH_SOFTNESS * this.capacity);
        // Not reached now, it is as far down next time as the posts this visit leaves unread.
        chance = nextToo ? 1 - (1 - now) * (1 - this.nextVisit(Math.max(0, depth - this.left))) : now;
      }
      if (chance < 1e-6) {
        values.push(-1);
        return -1;
      }
      values.push(
        Math.max(-1, Math.min(1, 1 + (2 * Math.log(chance + REACH_FLOOR)) / -Math.log(REACH_FLOOR))),
      );
    }
    return values[i]!;
  }

  private nextVisit(depth: number): number {
    let chance = 0;
    for (const arriving of this.arrivals)
      chance += reached(depth + arriving, this.capacity, REACH_SOFTNESS * this.capacity);
    return chance / this.arrivals.length;
  }
}

/** The chance that a visit reading about `capacity` posts gets `depth` posts down. */
function reached(depth: number, capacity: number, width: number): number {
  return 1 / (1 + Math.exp((depth - capacity) / width));
}

/**
 * Works out an author's affinity and quietness once per author, into `authors`; returns the
 * author's slot there. Affinity compares the person's rate of positives on the author's posts (per
 * post viewed, smoothed toward their rate for authors they follow, or for the others) with their
 * overall rate, on a log scale: 0 for an author they act on as often as on anyone, toward 1 for one
 * they act on far more, toward -1 for one they turned down. An author they have never met gets the
 * rate of their kind (followed or not).
 */
function authorSignal(
  model: PersonModel,
  authors: AuthorSignals,
  authorId: number,
  base: BaseRates,
  now: number,
): number {
  const taste = model.authors.get(authorId);
  const kindRate = model.follows.size === 0 || model.follows.has(authorId) ? base.followed : base.others;
  // How loud an author is is known only from the home timeline: one never seen there (found
  // through a hashtag or trends) gets no quiet-poster lift.
  if (!taste) {
    authors.set(authorId, affinityOf(kindRate, base.all), 0);
    return authors.slot(authorId);
  }
  const positive = taste.positive.valueAt(now);
  const negative = taste.negative.valueAt(now);
  const exposure = base.byViews ? taste.viewed.valueAt(now) : taste.shown.valueAt(now);
  const prior = Math.max(AUTHOR_PRIOR_VIEWS, AUTHOR_PRIOR_POSITIVES / base.all);
  const rate = (positive - 3 * negative + prior * kindRate) / (exposure + prior);
  const quiet = taste.shown.valueAt(now) > 0 ? 1 / (1 + taste.activity.valueAt(now) / 5) : 0;
  authors.set(authorId, affinityOf(rate, base.all), quiet);
  return authors.slot(authorId);
}

/** Whether a post answers a thread the person took part in. */
export function inThread(post: Candidate, threads: ReadonlySet<number>): boolean {
  return post.inThread || (post.inReplyToId !== null && threads.has(post.inReplyToId));
}

/** A rate of positives against the person's overall rate, on a log scale squashed into (-1, 1). */
function affinityOf(rate: number, overall: number): number {
  return Math.tanh(Math.log(Math.max(rate, overall / 20) / overall) / 2);
}

function sparseAuthor(
  model: PersonModel,
  authors: AuthorSignals,
  authorId: number,
  base: BaseRates,
  now: number,
): [number, number] {
  authorSignal(model, authors, authorId, base, now);
  return authors.sparseValues(authorId)!;
}

/**
 * For each candidate, how many unviewed candidates entered the timeline after it: one sort newest
 * first (by whole seconds; posts of the same second in index order), then one walk.
 */
function unreadAboveEach(candidates: readonly Candidate[], viewed: Uint8Array): Uint32Array {
  const n = candidates.length;
  const above = new Uint32Array(n);
  let newest = -Infinity;
  for (let c = 0; c < n; c++) newest = Math.max(newest, candidates[c]!.enteredAt);
  const order: number[] = new Array<number>(n);
  for (let c = 0; c < n; c++) order[c] = c;
  sortByIntegerKey(order, (c) =>
    Math.min(MAX_SORT_KEY, Math.floor((newest - candidates[c]!.enteredAt) / 1000)),
  );
  let unread = 0;
  for (const c of order) {
    above[c] = unread;
    if (viewed[c] === 0) unread++;
  }
  return above;
}

/** A language's taste: the person's rate of positives on posts in it, as for hashtags. */
function languageSignal(model: PersonModel, signals: Signals, code: string | null, now: number): number {
  const taste = code === null ? undefined : model.languages.get(code);
  const score = taste ? exposureAffinity(taste, signals.base, now) : 0;
  signals.languages.set(code, score);
  return score;
}

/**
 * A hashtag's or a language's rate of positives on posts with it (per post viewed, or shown without
 * view records; turn-downs count against), smoothed toward the person's overall rate, on the
 * author's log scale.
 */
function exposureAffinity(taste: TagTaste, base: BaseRates, now: number): number {
  const exposure = base.byViews ? taste.viewed.valueAt(now) : taste.shown.valueAt(now);
  const prior = Math.max(AUTHOR_PRIOR_VIEWS, AUTHOR_PRIOR_POSITIVES / base.all);
  const positive = taste.positive.valueAt(now) - 3 * taste.negative.valueAt(now);
  return affinityOf((positive + prior * base.all) / (exposure + prior), base.all);
}

/**
 * A hashtag's taste, like an author's: the person's rate of positives on posts with it (per post
 * viewed, or shown without view records; turn-downs count against), smoothed toward their overall
 * rate, on the same log scale, plus a lift for following it.
 */
function tagSignal(model: PersonModel, signals: Signals, name: string, now: number): number {
  const key = name.toLowerCase();
  const taste = model.tagTaste(key);
  let score = taste ? exposureAffinity(taste, signals.base, now) : 0;
  if (model.followedTags.has(key)) score += FOLLOWED_TAG;
  signals.tags.set(name, score);
  return score;
}
