/**
 * What Corgi knows about the person's taste, built from their own interactions only: affinities to
 * authors and hashtags, the languages they read, a content taste model and a handful of interest
 * vectors, what they have already seen and how much they read a visit, and the threads they take
 * part in. All of it decays with time, so taste can change.
 *
 * The model is fed events in time order and answers questions about one moment; the eval feeds it a
 * dataset's events, the worker feeds it the database's interactions.
 */
import { EMBEDDING_DIMS, normalize } from './embedder';

const DAY = 24 * 3600 * 1000;
/** Affinities halve in 30 days. */
export const TASTE_HALF_LIFE = 30 * DAY;
/** How many posts an author puts in the timeline: a week's memory. */
const ACTIVITY_HALF_LIFE = 7 * DAY;
const INTEREST_SLOTS = 8;
/** Step size of the content taste model (inputs are unit vectors). */
const TASTE_LEARNING_RATE = 0.5;
/**
 * A visit reads from the top down to a little before where the last one began: posts that came in
 * this long before it and were not read then were passed over.
 */
export const PASSED_OVER = 2 * 3600 * 1000;
/** Views further apart than this belong to different visits. */
const VISIT_GAP = 30 * 60 * 1000;
/** Visits whose length is remembered for the reading pace. */
const VISITS_REMEMBERED = 20;
/** Days of visit starts and timeline arrivals remembered for the person's daily rhythm. */
const RHYTHM_DAYS = 14;
/** Posts read per visit assumed before the person's views (or acts) say otherwise. */
const DEFAULT_READS_PER_VISIT = 80;
/** Visits with acts it takes to judge reads per visit by the deepest act of each. */
const ACT_DEPTH_VISITS = 5;
/** A positive joins an interest when it is at least this close to it. */
const INTEREST_JOIN = 0.1;
/** Posts acted on that a candidate is compared with, most recent first. */
export const NEIGHBOURS = 48;

export type FeedbackKind =
  'favourite' | 'boost' | 'reply' | 'bookmark' | 'open' | 'dwell' | 'more_like_this' | 'less_like_this';

/** How much one piece of feedback says about liking a post's author, tags and content. */
export function feedbackWeight(kind: FeedbackKind, value = 1): number {
  switch (kind) {
    case 'favourite':
      return 1;
    case 'boost':
    case 'bookmark':
      return 1.5;
    case 'reply':
      return 2;
    case 'open':
      return 0.5;
    case 'dwell':
      // Glances say little; a long read says about half a favourite.
      return value < 4000 ? 0 : 0.5 * Math.min(1, value / 30000);
    case 'more_like_this':
      return 2;
    case 'less_like_this':
      return -2;
  }
}

/** What the model needs to know about a post it learns from. */
export interface PostRef {
  id: number;
  authorId: number;
  tags: readonly string[];
  language: string | null;
  inReplyToId: number | null;
  /** The post's embedding, when it has one. */
  vector: Float32Array | null;
}

export class Decayed {
  value = 0;
  at = 0;
  /** ln 2 / half-life: exp(-rate · t) is the same as 0.5^(t / half-life), and cheaper. */
  private readonly rate: number;

  constructor(halfLife: number) {
    this.rate = Math.LN2 / halfLife;
  }

  add(amount: number, at: number): void {
    this.value = this.valueAt(at) + amount;
    this.at = Math.max(this.at, at);
  }

  valueAt(at: number): number {
    if (this.value === 0) return 0;
    return at <= this.at ? this.value : this.value * Math.exp(-this.rate * (at - this.at));
  }
}

export interface AuthorTaste {
  positive: Decayed;
  negative: Decayed;
  /** Posts of theirs that entered the person's timeline (exposure). */
  shown: Decayed;
  /** Posts of theirs in the timeline in the last days: how loud they are. */
  activity: Decayed;
  /** Posts of theirs the person has had on screen. */
  viewed: Decayed;
  /** Kind of the person's last positive: "You often favourite", "You often reply to". */
  kinds: Map<FeedbackKind, number>;
}

/** A hashtag's positives and turn-downs, and how often it was shown and viewed (its exposure). */
export interface TagTaste {
  positive: Decayed;
  negative: Decayed;
  shown: Decayed;
  viewed: Decayed;
}

function newTagTaste(): TagTaste {
  return {
    positive: new Decayed(TASTE_HALF_LIFE),
    negative: new Decayed(TASTE_HALF_LIFE),
    shown: new Decayed(TASTE_HALF_LIFE),
    viewed: new Decayed(TASTE_HALF_LIFE),
  };
}

export interface Interest {
  vector: Float32Array;
  weight: Decayed;
  /** The tag seen most often among the posts that formed it, for explanations. */
  tags: Map<string, number>;
  kinds: Map<FeedbackKind, number>;
}

/** What the features read per author, hashtag and language at one moment, kept between rankings. */
export interface Signals {
  authors: AuthorSignals;
  tags: Map<string, number>;
  languages: Map<string | null, number>;
  base: BaseRates;
}

/**
 * The person's rate of weighted positives per post viewed (per post shown, without view records):
 * overall, on authors they follow and on everyone else (boosted in, discovered), each of the last
 * two smoothed toward the first.
 */
export interface BaseRates {
  all: number;
  followed: number;
  others: number;
  byViews: boolean;
}

/** The follow and non-follow rates count as if this many posts had been viewed at the overall rate. */
const BASE_RATE_PRIOR_VIEWS = 50;

/** Author ids below this are kept in flat arrays (they are database row ids); others in a map. */
const DENSE_AUTHORS = 1 << 22;

/** Two numbers per author (affinity and quietness) in flat arrays indexed by author id. */
export class AuthorSignals {
  affinity = new Float32Array(1024);
  quiet = new Float32Array(1024);
  known = new Uint8Array(1024);
  private readonly sparse = new Map<number, [number, number]>();

  /** The slot of a known author's values, or -1; ids outside the flat range give -2. */
  slot(authorId: number): number {
    if (authorId >= 0 && authorId < DENSE_AUTHORS)
      return authorId < this.known.length && this.known[authorId] ? authorId : -1;
    return -2;
  }

  sparseValues(authorId: number): [number, number] | undefined {
    return this.sparse.get(authorId);
  }

  set(authorId: number, affinity: number, quiet: number): void {
    if (authorId < 0 || authorId >= DENSE_AUTHORS) {
      this.sparse.set(authorId, [affinity, quiet]);
      return;
    }
    if (authorId >= this.known.length) {
      const size = Math.min(DENSE_AUTHORS, Math.max(authorId + 1, this.known.length * 2));
      this.affinity = grow(this.affinity, size);
      this.quiet = grow(this.quiet, size);
      const known = new Uint8Array(size);
      known.set(this.known);
      this.known = known;
    }
    this.affinity[authorId] = affinity;
    this.quiet[authorId] = quiet;
    this.known[authorId] = 1;
  }
}

function grow(array: Float32Array<ArrayBuffer>, size: number): Float32Array<ArrayBuffer> {
  const grown = new Float32Array(size);
  grown.set(array);
  return grown;
}

/** Signals are worked out again after this long even if nothing was learned (decay is slow). */
const SIGNALS_TTL = 10 * 60 * 1000;

export class PersonModel {
  readonly authors = new Map<number, AuthorTaste>();
  readonly tags = new Map<string, TagTaste>();
  readonly followedTags = new Set<string>();
  /** Accounts the person follows (their boosts are social proof). */
  readonly follows = new Set<number>();
  /** Per language, as per hashtag: positives, and how often posts in it were shown and viewed. */
  readonly languages = new Map<string, TagTaste>();
  readonly interests: Interest[] = [];
  /** The posts the person acted on most recently, with their embeddings: content's nearest neighbours. */
  readonly neighbours: { id: number; vector: Float32Array }[] = [];
  /** The mean of what the person said "less like this" to. */
  readonly dislike = new Float32Array(EMBEDDING_DIMS);
  dislikeWeight = 0;
  /** The posts on screen lately, and when each was last. */
  readonly seen = new Map<number, number>();
  /** Posts acted on (favourited, boosted, replied to, bookmarked). */
  readonly acted = new Set<number>();
  /** Posts the person wrote or replied to: replies to these are conversation. */
  readonly threads = new Set<number>();
  positives = 0;
  /** Weighted positives, posts shown in the timeline and posts viewed: the person's base rates. */
  readonly totalPositive = new Decayed(TASTE_HALF_LIFE);
  readonly totalShown = new Decayed(TASTE_HALF_LIFE);
  readonly totalViewed = new Decayed(TASTE_HALF_LIFE);
  /** The same three for authors the person followed at the time, and for everyone else. */
  private readonly followedPositive = new Decayed(TASTE_HALF_LIFE);
  private readonly followedShown = new Decayed(TASTE_HALF_LIFE);
  private readonly followedViewed = new Decayed(TASTE_HALF_LIFE);
  private readonly othersPositive = new Decayed(TASTE_HALF_LIFE);
  private readonly othersShown = new Decayed(TASTE_HALF_LIFE);
  private readonly othersViewed = new Decayed(TASTE_HALF_LIFE);
  /**
   * Content taste: a logistic model over embeddings of what the person acts on against everything
   * their timeline showed them, so that a subject counts by how often they act on it, not by how
   * much of it they are shown.
   */
  readonly taste = new Float32Array(EMBEDDING_DIMS);
  tasteBias = -3;
  /** Reading rhythm, from views: when the latest visit began, and how many posts recent visits read. */
  visitStart = 0;
  private lastViewAt = -Infinity;
  private visitViews = 0;
  private readonly visits: number[] = [];
  /** Per visit, how deep in the timeline the deepest post acted on lay (for people without views). */
  private visitDepth = 0;
  private readonly actDepths: number[] = [];
  /** When recent visits began and when recent posts entered the timeline, oldest first. */
  private readonly visitStarts: number[] = [];
  private readonly arrivals: number[] = [];
  /** When the person last did anything in the app: posts older than that were probably on screen. */
  lastActiveAt = 0;
  /** Counts changes to what `signals` depends on. */
  private revision = 0;
  private memo: (Signals & { revision: number; at: number; followedTags: number }) | null = null;

  /**
   * The per-author, per-hashtag and per-language signals for `now`, filled in by the features as
   * they meet each one; kept until the model learns something or ten minutes pass.
   */
  signals(now: number): Signals {
    const memo = this.memo;
    if (
      memo &&
      memo.revision === this.revision &&
      memo.followedTags === this.followedTags.size &&
      Math.abs(now - memo.at) < SIGNALS_TTL
    )
      return memo;
    this.memo = {
      authors: new AuthorSignals(),
      tags: new Map(),
      languages: new Map(),
      base: this.baseRates(now),
      revision: this.revision,
      at: now,
      followedTags: this.followedTags.size,
    };
    return this.memo;
  }

  private baseRates(now: number): BaseRates {
    const viewed = this.totalViewed.valueAt(now);
    const byViews = viewed > 50;
    const exposure = byViews ? viewed : this.totalShown.valueAt(now);
    const positive = this.totalPositive.valueAt(now);
    const all = (positive + 1) / (exposure + 20);
    // Each kind's smoothed rate against everyone's, smoothed alike: with one kind, exactly `all`.
    const smoothed = (positive: number, exposure: number): number =>
      (positive + BASE_RATE_PRIOR_VIEWS * all) / (exposure + BASE_RATE_PRIOR_VIEWS);
    const everyones = smoothed(positive, exposure);
    const rate = (positive: Decayed, viewed: Decayed, shown: Decayed): number =>
      (all * smoothed(positive.valueAt(now), (byViews ? viewed : shown).valueAt(now))) / everyones;
    return {
      all,
      followed: rate(this.followedPositive, this.followedViewed, this.followedShown),
      others: rate(this.othersPositive, this.othersViewed, this.othersShown),
      byViews,
    };
  }

  /** Whether the person follows an author (everyone counts as followed while the follows are unknown). */
  private followed(authorId: number): boolean {
    return this.follows.size === 0 || this.follows.has(authorId);
  }

  /** Adds to the followed or the others' share of a base rate; feedback on no author adds to neither. */
  private addByFollowing(
    authorId: number,
    followed: Decayed,
    others: Decayed,
    amount: number,
    at: number,
  ): void {
    if (authorId < 0) return;
    (this.followed(authorId) ? followed : others).add(amount, at);
  }

  author(authorId: number): AuthorTaste {
    let taste = this.authors.get(authorId);
    if (!taste) {
      taste = {
        positive: new Decayed(TASTE_HALF_LIFE),
        negative: new Decayed(TASTE_HALF_LIFE),
        shown: new Decayed(TASTE_HALF_LIFE),
        activity: new Decayed(ACTIVITY_HALF_LIFE),
        viewed: new Decayed(TASTE_HALF_LIFE),
        kinds: new Map(),
      };
      this.authors.set(authorId, taste);
    }
    return taste;
  }

  private tag(name: string): TagTaste {
    const key = name.toLowerCase();
    let taste = this.tags.get(key);
    if (!taste) {
      taste = newTagTaste();
      this.tags.set(key, taste);
    }
    return taste;
  }

  tagTaste(name: string): TagTaste | undefined {
    return this.tags.get(name.toLowerCase());
  }

  /** A post entered the timeline: its author and hashtags were shown once more; its content, if known, too. */
  observeShown(
    authorId: number,
    at: number,
    vector: Float32Array | null = null,
    tags: readonly string[] = [],
    language: string | null = null,
  ): void {
    this.revision++;
    for (const name of tags) this.tag(name).shown.add(1, at);
    if (language) this.language(language).shown.add(1, at);
    const taste = this.author(authorId);
    taste.shown.add(1, at);
    taste.activity.add(1, at);
    this.totalShown.add(1, at);
    this.addByFollowing(authorId, this.followedShown, this.othersShown, 1, at);
    remember(this.arrivals, at);
    if (vector) this.learnTaste(vector, 0, 1);
  }

  /**
   * A post was on screen; `authorId`, `tags` and `language` count the view for its author, hashtags
   * and language (once per post).
   */
  observeSeen(
    statusId: number,
    at = 0,
    authorId = -1,
    tags: readonly string[] = [],
    language: string | null = null,
  ): void {
    this.visit(at);
    this.visitViews++;
    if (authorId >= 0 && !this.seen.has(statusId)) {
      this.revision++;
      for (const name of tags) this.tag(name).viewed.add(1, at);
      if (language) this.language(language).viewed.add(1, at);
      this.author(authorId).viewed.add(1, at);
      this.totalViewed.add(1, at);
      this.addByFollowing(authorId, this.followedViewed, this.othersViewed, 1, at);
    }
    this.seen.set(statusId, Math.max(at, this.seen.get(statusId) ?? -Infinity));
  }

  /**
   * The person was in the app at `at` (a view, or feedback: without view records, acts are what
   * tells when they visit): a new visit when it is long after the last.
   */
  private visit(at: number): void {
    this.lastActiveAt = Math.max(this.lastActiveAt, at);
    if (at - this.lastViewAt > VISIT_GAP) {
      if (this.visitViews > 0) this.visits.push(this.visitViews);
      if (this.visits.length > VISITS_REMEMBERED) this.visits.shift();
      if (this.visitDepth > 0) this.actDepths.push(this.visitDepth);
      if (this.actDepths.length > VISITS_REMEMBERED) this.actDepths.shift();
      this.visitViews = 0;
      this.visitDepth = 0;
      this.visitStart = at;
      remember(this.visitStarts, at);
    }
    this.lastViewAt = Math.max(this.lastViewAt, at);
  }

  /** Whether a visit is under way at `now`: the person viewed or acted on something lately. */
  private readingAt(now: number): boolean {
    return now - this.lastViewAt < VISIT_GAP;
  }

  /** Posts viewed so far in the visit under way at `now`; 0 when the person is not reading. */
  readSoFar(now: number): number {
    return this.readingAt(now) ? this.visitViews : 0;
  }

  /**
   * Unviewed posts that came in before this were passed over: a visit reads down to a little before
   * where the one before it began, so while the person is still reading, that is the visit before
   * the latest.
   */
  passedOverBefore(now: number): number {
    const start = this.readingAt(now)
      ? (this.visitStarts[this.visitStarts.length - 2] ?? -Infinity)
      : this.visitStart;
    return start - PASSED_OVER;
  }

  /**
   * How many posts the person reads in a visit when there is enough to read: the 95th percentile of
   * recent visits (visits that ran out of posts read fewer than the person would have; of 20, the
   * second longest), which for the first few visits is nearer their middle than their longest.
   * Without views, the 90th percentile of how deep the deepest act of each visit lay, once there
   * are a few.
   */
  readsPerVisit(): number {
    const visits = [...this.visits, this.visitViews].filter((v) => v > 0).sort((a, b) => a - b);
    if (visits.length > 0) return visits[Math.floor((visits.length - 1) * 0.95)]!;
    // Without views, the deepest post acted on in each visit shows how far down it read at least.
    const depths = [...this.actDepths, this.visitDepth].filter((d) => d > 0);
    if (depths.length < ACT_DEPTH_VISITS) return DEFAULT_READS_PER_VISIT;
    depths.sort((a, b) => a - b);
    return depths[Math.floor((depths.length - 1) * 0.9)]!;
  }

  /**
   * How many posts will come into the timeline before the person's next visit, one sample for each
   * of the last fortnight's days: the posts that arrived between this time of that day and the
   * visit that followed it, or the whole day's posts when no visit followed within a day. None,
   * when they have never visited or are reading right now (unless `afterThisOne`: then before the
   * visit after the one under way).
   */
  arrivalsBeforeNextVisit(now: number, afterThisOne = false): number[] {
    if ((!afterThisOne && this.readingAt(now)) || this.visitStarts.length === 0) return [0];
    const samples: number[] = [];
    const firstVisit = this.visitStarts[0]!;
    for (let day = 1; day <= RHYTHM_DAYS; day++) {
      const from = now - day * DAY;
      // Days before the first remembered visit say nothing about the person's rhythm.
      if (from < firstVisit - DAY) break;
      const next = this.visitStarts[lowerBound(this.visitStarts, from)] ?? now;
      const until = Math.min(next, from + DAY, now);
      samples.push(lowerBound(this.arrivals, until) - lowerBound(this.arrivals, from));
    }
    return samples.length > 0 ? samples : [0];
  }

  /**
   * Feedback on a post; `value` is the dwell time for 'dwell'. `enteredAt`, when the post came into
   * the home timeline, tells how far down the visit an act lay.
   */
  observeFeedback(kind: FeedbackKind, post: PostRef, at: number, value = 1, enteredAt?: number): void {
    const weight = feedbackWeight(kind, value);
    this.revision++;
    this.visit(at);
    if (kind === 'favourite' || kind === 'boost' || kind === 'reply' || kind === 'bookmark') {
      this.acted.add(post.id);
      // Only a post that came in since the visit before (and the stretch read again) shows how far
      // down a visit reads; an older one was reached some other way (a notification, a search),
      // and one older than every arrival remembered cannot be placed.
      const previous = this.visitStarts[this.visitStarts.length - 2] ?? -Infinity;
      if (
        enteredAt !== undefined &&
        enteredAt <= this.visitStart &&
        enteredAt >= previous - PASSED_OVER &&
        enteredAt >= (this.arrivals[0] ?? Infinity)
      ) {
        // How many posts had come in above it when the visit began.
        const depth =
          lowerBound(this.arrivals, this.visitStart + 1) - lowerBound(this.arrivals, enteredAt + 1) + 1;
        this.visitDepth = Math.max(this.visitDepth, depth);
      }
    }
    if (kind === 'reply') {
      this.threads.add(post.id);
      if (post.inReplyToId !== null) this.threads.add(post.inReplyToId);
    }
    if (weight === 0) return;
    // Feedback on a post's hashtags or content alone (authorId -1) says nothing about its author.
    const author = post.authorId >= 0 ? this.author(post.authorId) : null;
    if (weight > 0) {
      if (author) {
        author.positive.add(weight, at);
        this.totalPositive.add(weight, at);
        this.addByFollowing(post.authorId, this.followedPositive, this.othersPositive, weight, at);
        author.kinds.set(kind, (author.kinds.get(kind) ?? 0) + 1);
      }
      this.positives++;
      if (post.language) this.language(post.language).positive.add(weight, at);
    } else {
      author?.negative.add(-weight, at);
    }
    for (const name of post.tags) {
      const tag = this.tag(name);
      if (weight > 0) tag.positive.add(weight, at);
      else tag.negative.add(-weight, at);
    }
    if (post.vector) {
      this.learnTaste(post.vector, weight > 0 ? 1 : 0, Math.abs(weight));
      if (weight > 0) {
        this.learnInterest(post, kind, weight, at);
        this.neighbours.push({ id: post.id, vector: post.vector });
        if (this.neighbours.length > NEIGHBOURS) this.neighbours.shift();
      } else this.learnDislike(post.vector, -weight);
    }
  }

  private learnInterest(post: PostRef, kind: FeedbackKind, weight: number, at: number): void {
    const vector = post.vector!;
    let best: Interest | null = null;
    let bestSimilarity = INTEREST_JOIN;
    for (const interest of this.interests) {
      const similarity = dot(interest.vector, vector);
      if (similarity >= bestSimilarity) {
        best = interest;
        bestSimilarity = similarity;
      }
    }
    if (!best) {
      if (this.interests.length >= INTEREST_SLOTS) {
        // Replace the faintest interest: old tastes give way to new ones.
        let faintest = 0;
        for (let i = 1; i < this.interests.length; i++) {
          if (this.interests[i]!.weight.valueAt(at) < this.interests[faintest]!.weight.valueAt(at))
            faintest = i;
        }
        this.interests.splice(faintest, 1);
      }
      best = {
        vector: new Float32Array(vector),
        weight: new Decayed(TASTE_HALF_LIFE),
        tags: new Map(),
        kinds: new Map(),
      };
      this.interests.push(best);
    } else {
      // A running mean weighted by how much each post counted; older posts fade as weight decays.
      const old = best.weight.valueAt(at);
      const share = weight / (old + weight);
      for (let i = 0; i < vector.length; i++)
        best.vector[i] = best.vector[i]! * (1 - share) + vector[i]! * share;
      normalize(best.vector);
    }
    best.weight.add(weight, at);
    best.kinds.set(kind, (best.kinds.get(kind) ?? 0) + 1);
    for (const tag of post.tags)
      best.tags.set(tag.toLowerCase(), (best.tags.get(tag.toLowerCase()) ?? 0) + 1);
  }

  /** One step of logistic regression: `label` 1 for a positive, 0 for a post shown or turned down. */
  private learnTaste(vector: Float32Array, label: number, weight: number): void {
    const taste = this.taste;
    let z = this.tasteBias;
    for (let i = 0; i < vector.length; i++) z += taste[i]! * vector[i]!;
    const step = (label - 1 / (1 + Math.exp(-z))) * weight * TASTE_LEARNING_RATE;
    for (let i = 0; i < vector.length; i++) taste[i]! += step * vector[i]!;
    this.tasteBias += 0.1 * step;
  }

  private learnDislike(vector: Float32Array, weight: number): void {
    const share = weight / (this.dislikeWeight + weight);
    for (let i = 0; i < vector.length; i++)
      this.dislike[i] = this.dislike[i]! * (1 - share) + vector[i]! * share;
    normalize(this.dislike);
    this.dislikeWeight += weight;
  }

  /**
   * What the model has learned, as JSON: kept in the database so that a cold start takes up the
   * model where it was rather than reading the person's history again. Forgets first what no
   * longer counts at `now` (`prune`).
   */
  toSnapshot(now: number): PersonModelSnapshot {
    this.prune(now);
    const decayed = (d: Decayed): [number, number] => [d.value, d.at];
    const tagTastes = (map: Map<string, TagTaste>): SnapshotTagTaste[] =>
      [...map].map(([name, t]) => [
        name,
        decayed(t.positive),
        decayed(t.negative),
        decayed(t.shown),
        decayed(t.viewed),
      ]);
    const seen = [...this.seen].sort((a, b) => a[0] - b[0]);
    return {
      format: SNAPSHOT_FORMAT,
      authors: [...this.authors].map(([id, t]) => [
        id,
        decayed(t.positive),
        decayed(t.negative),
        decayed(t.shown),
        decayed(t.activity),
        decayed(t.viewed),
        [...t.kinds],
      ]),
      tags: tagTastes(this.tags),
      languages: tagTastes(this.languages),
      follows: [...this.follows],
      interests: this.interests.map((i) => [floats(i.vector), decayed(i.weight), [...i.tags], [...i.kinds]]),
      neighbours: this.neighbours.map((n) => [n.id, floats(n.vector)]),
      dislike: floats(this.dislike),
      dislikeWeight: this.dislikeWeight,
      seen: [deltas(seen.map((e) => e[0])), seen.map((e) => e[1])],
      acted: deltas([...this.acted].sort((a, b) => a - b)),
      threads: deltas([...this.threads].sort((a, b) => a - b)),
      positives: this.positives,
      totals: [
        this.totalPositive,
        this.totalShown,
        this.totalViewed,
        this.followedPositive,
        this.followedShown,
        this.followedViewed,
        this.othersPositive,
        this.othersShown,
        this.othersViewed,
      ].map(decayed),
      taste: floats(this.taste),
      tasteBias: this.tasteBias,
      visitStart: this.visitStart,
      lastViewAt: Number.isFinite(this.lastViewAt) ? this.lastViewAt : null,
      visitViews: this.visitViews,
      visits: [...this.visits],
      visitDepth: this.visitDepth,
      actDepths: [...this.actDepths],
      visitStarts: deltas(this.visitStarts),
      arrivals: deltas(this.arrivals),
      lastActiveAt: this.lastActiveAt,
    };
  }

  /** The model a snapshot holds; throws on one of another format or not a snapshot at all. */
  static fromSnapshot(snapshot: PersonModelSnapshot): PersonModel {
    if (snapshot?.format !== SNAPSHOT_FORMAT) throw new Error('Not a person model snapshot of this version');
    const model = new PersonModel();
    const decayed = (halfLife: number, [value, at]: [number, number]): Decayed =>
      Object.assign(new Decayed(halfLife), { value, at });
    const tagTaste = ([, positive, negative, shown, viewed]: SnapshotTagTaste): TagTaste => ({
      positive: decayed(TASTE_HALF_LIFE, positive),
      negative: decayed(TASTE_HALF_LIFE, negative),
      shown: decayed(TASTE_HALF_LIFE, shown),
      viewed: decayed(TASTE_HALF_LIFE, viewed),
    });
    for (const [id, positive, negative, shown, activity, viewed, kinds] of snapshot.authors)
      model.authors.set(id, {
        positive: decayed(TASTE_HALF_LIFE, positive),
        negative: decayed(TASTE_HALF_LIFE, negative),
        shown: decayed(TASTE_HALF_LIFE, shown),
        activity: decayed(ACTIVITY_HALF_LIFE, activity),
        viewed: decayed(TASTE_HALF_LIFE, viewed),
        kinds: new Map(kinds),
      });
    for (const row of snapshot.tags) model.tags.set(row[0], tagTaste(row));
    for (const row of snapshot.languages) model.languages.set(row[0], tagTaste(row));
    for (const id of snapshot.follows) model.follows.add(id);
    for (const [vector, weight, tags, kinds] of snapshot.interests)
      model.interests.push({
        vector: unfloats(vector),
        weight: decayed(TASTE_HALF_LIFE, weight),
        tags: new Map(tags),
        kinds: new Map(kinds),
      });
    for (const [id, vector] of snapshot.neighbours) model.neighbours.push({ id, vector: unfloats(vector) });
    model.dislike.set(unfloats(snapshot.dislike));
    model.dislikeWeight = snapshot.dislikeWeight;
    const [seenIds, seenAt] = snapshot.seen;
    undeltas(seenIds).forEach((id, i) => model.seen.set(id, seenAt[i]!));
    for (const id of undeltas(snapshot.acted)) model.acted.add(id);
    for (const id of undeltas(snapshot.threads)) model.threads.add(id);
    model.positives = snapshot.positives;
    [
      model.totalPositive,
      model.totalShown,
      model.totalViewed,
      model.followedPositive,
      model.followedShown,
      model.followedViewed,
      model.othersPositive,
      model.othersShown,
      model.othersViewed,
    ].forEach((total, i) =>
      Object.assign(total, { value: snapshot.totals[i]![0], at: snapshot.totals[i]![1] }),
    );
    model.taste.set(unfloats(snapshot.taste));
    model.tasteBias = snapshot.tasteBias;
    model.visitStart = snapshot.visitStart;
    model.lastViewAt = snapshot.lastViewAt ?? -Infinity;
    model.visitViews = snapshot.visitViews;
    model.visits.push(...snapshot.visits);
    model.visitDepth = snapshot.visitDepth;
    model.actDepths.push(...snapshot.actDepths);
    model.visitStarts.push(...undeltas(snapshot.visitStarts));
    model.arrivals.push(...undeltas(snapshot.arrivals));
    model.lastActiveAt = snapshot.lastActiveAt;
    return model;
  }

  /**
   * Forgets what no longer counts at `now`: views of posts from before the last weeks, and authors,
   * hashtags and languages whose every count has faded to nothing. What the model holds grows with
   * the weeks it weighs, not with the history.
   */
  prune(now: number): void {
    for (const [id, at] of this.seen) if (at < now - SEEN_KEPT) this.seen.delete(id);
    const faded = (...counts: Decayed[]): boolean => counts.every((d) => d.valueAt(now) < FADED);
    for (const [id, t] of this.authors)
      if (faded(t.positive, t.negative, t.shown, t.activity, t.viewed)) this.authors.delete(id);
    for (const map of [this.tags, this.languages])
      for (const [key, t] of map) if (faded(t.positive, t.negative, t.shown, t.viewed)) map.delete(key);
    this.revision++;
  }

  private language(code: string): TagTaste {
    let taste = this.languages.get(code);
    if (!taste) this.languages.set(code, (taste = newTagTaste()));
    return taste;
  }
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** The most frequent key of a count map. */
export function topKey<K>(counts: Map<K, number>): K | null {
  let best: K | null = null;
  let bestCount = 0;
  for (const [key, count] of counts) {
    if (count > bestCount) {
      best = key;
      bestCount = count;
    }
  }
  return best;
}

/** Adds a time to a sorted list that keeps the last RHYTHM_DAYS days and a day more. */
function remember(times: number[], at: number): void {
  if (times.length === 0 || at >= times[times.length - 1]!) times.push(at);
  else times.splice(lowerBound(times, at), 0, at);
  const keepFrom = times[times.length - 1]! - (RHYTHM_DAYS + 1) * DAY;
  // Trimmed in batches, not on every call.
  if (times[0]! < keepFrom - DAY) times.splice(0, lowerBound(times, keepFrom));
}

/** The first index of a sorted list whose value is at least `value`. */
function lowerBound(times: readonly number[], value: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The snapshot's format: a snapshot of another is not read (the model is built afresh). */
const SNAPSHOT_FORMAT = 1;
/** Views remembered: what is older is no longer a candidate anyway. */
const SEEN_KEPT = 21 * DAY;
/** A count below this has faded to nothing (a single event, after about 200 days). */
const FADED = 0.01;

type SnapshotDecayed = [value: number, at: number];
type SnapshotTagTaste = [
  name: string,
  positive: SnapshotDecayed,
  negative: SnapshotDecayed,
  shown: SnapshotDecayed,
  viewed: SnapshotDecayed,
];

export interface PersonModelSnapshot {
  format: number;
  authors: [
    id: number,
    positive: SnapshotDecayed,
    negative: SnapshotDecayed,
    shown: SnapshotDecayed,
    activity: SnapshotDecayed,
    viewed: SnapshotDecayed,
    kinds: [FeedbackKind, number][],
  ][];
  tags: SnapshotTagTaste[];
  languages: SnapshotTagTaste[];
  follows: number[];
  interests: [
    vector: string,
    weight: SnapshotDecayed,
    tags: [string, number][],
    kinds: [FeedbackKind, number][],
  ][];
  neighbours: [id: number, vector: string][];
  dislike: string;
  dislikeWeight: number;
  /** Ids (as deltas) and when each was last viewed. */
  seen: [number[], number[]];
  acted: number[];
  threads: number[];
  positives: number;
  totals: SnapshotDecayed[];
  taste: string;
  tasteBias: number;
  visitStart: number;
  lastViewAt: number | null;
  visitViews: number;
  visits: number[];
  visitDepth: number;
  actDepths: number[];
  visitStarts: number[];
  arrivals: number[];
  lastActiveAt: number;
}

/** A vector's bytes in base64: exact, and a third of the size of its numbers in JSON. */
function floats(vector: Float32Array): string {
  const bytes = new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function unfloats(text: string): Float32Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  if (bytes.length !== EMBEDDING_DIMS * 4) throw new Error('A vector of the wrong size in a snapshot');
  return new Float32Array(bytes.buffer);
}

/** A sorted list as the differences between neighbours: small numbers, short in JSON. */
function deltas(sorted: readonly number[]): number[] {
  return sorted.map((value, i) => (i === 0 ? value : value - sorted[i - 1]!));
}

function undeltas(differences: readonly number[]): number[] {
  const out: number[] = [];
  let value = 0;
  for (const difference of differences) out.push((value += difference));
  return out;
}
