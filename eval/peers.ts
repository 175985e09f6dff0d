/**
 * The rankers Corgi is measured against, each written from its public description:
 *
 * - chronological: Mastodon's home timeline, newest entry (a boost counts at its boost time) first.
 * - Mastodon Digest (hodgesmr/mastodon_digest, default "SimpleWeighted" scorer): geometric mean of
 *   boosts + 1 and favourites + 1, times 1/√followers of the author (zero followers scores zero).
 * - the original Corgi service (corgi-recommender-service `calculate_ranking_score`, default config):
 *   0.4 × author preference + 0.3 × engagement + 0.3 × recency, where author preference is
 *   σ(5 (positive share − 0.5)) of the last 30 days' interactions with that author (or with anyone,
 *   when none were with them), at least 0.1; engagement log(1 + favourites + boosts + replies) / 10;
 *   recency max(e^(−age in days / 7), 0.2).
 * - fedialgo (pkreissel/fedialgo): a sum of weighted feature scorers (favourites and boosts the
 *   person gave the author, the author's interactions with the person, boosts of the post in the
 *   feed, the post's favourites and replies, a penalty for authors seen often in the feed), plus 1,
 *   times the time decay (1 + 0.05)^(−age in hours²).
 */
import type { Candidate } from '../src-worker/rank/features';

/** What the peers know about the person: counts of what they did, kept as events arrive. */
export class PeerHistory {
  readonly favouritesOf = new Map<number, number>();
  readonly boostsOf = new Map<number, number>();
  /** Mentions of the person by an author: fedialgo's "interactions". */
  readonly mentionsBy = new Map<number, number>();
  /** Interactions with timestamps for the last-30-days window of the original Corgi formula. */
  readonly interactions: { at: number; authorId: number; positive: boolean; negative: boolean }[] = [];

  record(type: string, authorId: number, at: number): void {
    if (type === 'favourite') this.favouritesOf.set(authorId, (this.favouritesOf.get(authorId) ?? 0) + 1);
    if (type === 'reblog') this.boostsOf.set(authorId, (this.boostsOf.get(authorId) ?? 0) + 1);
    const positive =
      type === 'favourite' || type === 'bookmark' || type === 'reblog' || type === 'more_like_this';
    const negative = type === 'less_like_this';
    if (positive || negative || type === 'reply')
      this.interactions.push({ at, authorId, positive, negative });
  }

  recordMention(authorId: number): void {
    this.mentionsBy.set(authorId, (this.mentionsBy.get(authorId) ?? 0) + 1);
  }
}

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

export function rankChronological(candidates: readonly Candidate[]): number[] {
  return candidates
    .map((_, i) => i)
    .sort(
      (a, b) => candidates[b]!.enteredAt - candidates[a]!.enteredAt || candidates[b]!.id - candidates[a]!.id,
    );
}

function sortBy(candidates: readonly Candidate[], score: (post: Candidate) => number): number[] {
  const scores = candidates.map(score);
  return candidates
    .map((_, i) => i)
    .sort(
      (a, b) =>
        scores[b]! - scores[a]! ||
        candidates[b]!.enteredAt - candidates[a]!.enteredAt ||
        candidates[b]!.id - candidates[a]!.id,
    );
}

export function rankDigest(candidates: readonly Candidate[]): number[] {
  return sortBy(candidates, (post) => {
    if (post.authorFollowers === 0) return 0;
    return Math.sqrt((post.reblogs + 1) * (post.favourites + 1)) / Math.sqrt(post.authorFollowers);
  });
}

export function rankOriginalCorgi(
  candidates: readonly Candidate[],
  history: PeerHistory,
  now: number,
): number[] {
  const recent = history.interactions.filter((i) => i.at >= now - 30 * DAY && i.at < now);
  const overall =
    recent.length === 0
      ? 0.1
      : Math.max(0.1, sigmoidShare(recent.filter((i) => i.positive).length / recent.length));
  const byAuthor = new Map<number, { positive: number; total: number }>();
  for (const i of recent) {
    const entry = byAuthor.get(i.authorId) ?? { positive: 0, total: 0 };
    entry.total++;
    if (i.positive) entry.positive++;
    byAuthor.set(i.authorId, entry);
  }
  return sortBy(candidates, (post) => {
    const own = byAuthor.get(post.authorId);
    const author = own ? Math.max(0.1, sigmoidShare(own.positive / own.total)) : overall;
    const engagement = Math.log(post.favourites + post.reblogs + post.replies + 1) / 10;
    const ageDays = Math.max(0, now - post.createdAt) / DAY;
    const recency = Math.max(Math.exp(-ageDays / 7), 0.2);
    return 0.4 * author + 0.3 * engagement + 0.3 * recency;
  });
}

function sigmoidShare(share: number): number {
  return 1 / (1 + Math.exp(-5 * (share - 0.5)));
}

/** fedialgo's default weights for its scorers. */
const FEDIALGO = {
  favs: 1,
  reblogs: 3,
  interactions: 2,
  feedBoosts: 2,
  numFavourites: 1,
  numReplies: 1,
  diversity: 1,
  timeDecay: 0.05,
};

export function rankFedialgo(candidates: readonly Candidate[], history: PeerHistory, now: number): number[] {
  const perAuthor = new Map<number, number>();
  for (const post of candidates) perAuthor.set(post.authorId, (perAuthor.get(post.authorId) ?? 0) + 1);
  return sortBy(candidates, (post) => {
    const raw =
      FEDIALGO.favs * (history.favouritesOf.get(post.authorId) ?? 0) +
      FEDIALGO.reblogs * (history.boostsOf.get(post.authorId) ?? 0) +
      FEDIALGO.interactions * (history.mentionsBy.get(post.authorId) ?? 0) +
      FEDIALGO.feedBoosts * post.boosterIds.length +
      FEDIALGO.numFavourites * post.favourites +
      FEDIALGO.numReplies * post.replies -
      FEDIALGO.diversity * ((perAuthor.get(post.authorId) ?? 1) - 1);
    const hours = Math.max(0, now - post.createdAt) / HOUR;
    return (1 + raw) * Math.pow(1 + FEDIALGO.timeDecay, -(hours * hours));
  });
}
