/**
 * The diversity pass: walks the candidates best first and, in every window of consecutive posts,
 * holds back a post that would be one too many from the same author, the same booster, the same
 * hashtag, or from discovery sources. A held-back post takes the first place where it fits, so
 * nothing is dropped, only moved down.
 */
import type { Candidate } from './features';

export interface DiversityLimits {
  window: number;
  perAuthor: number;
  perBooster: number;
  perTag: number;
  /** Share of the window that may come from lists, followed hashtags and trends. */
  discoveryShare: number;
}

export const DEFAULT_LIMITS: DiversityLimits = {
  window: 20,
  perAuthor: 3,
  perBooster: 3,
  perTag: 4,
  discoveryShare: 0.2,
};

/** Most posts held back at once; past this a post that does not fit is placed anyway, so the pass stays linear. */
const MAX_HELD = 256;

/**
 * `preceding` are the posts already shown just above (oldest first): the window starts full of them,
 * so that re-ranking the rest of a feed does not repeat an author right below their posts.
 */
export function diversify(
  order: readonly number[],
  candidates: readonly Candidate[],
  limits: DiversityLimits,
  preceding: readonly Candidate[] = [],
): number[] {
  const discoveryCap = Math.max(0, Math.floor(limits.window * limits.discoveryShare));
  const authors = new Map<number, number>();
  const boosters = new Map<number, number>();
  const tags = new Map<string, number>();
  let discovery = 0;
  const placed: number[] = [];
  const held: number[] = [];

  const count = <K>(map: Map<K, number>, key: K, delta: number): void => {
    const next = (map.get(key) ?? 0) + delta;
    if (next === 0) map.delete(key);
    else map.set(key, next);
  };
  const fits = (c: number): boolean => {
    const post = candidates[c]!;
    if ((authors.get(post.authorId) ?? 0) >= limits.perAuthor) return false;
    for (const booster of post.boosterIds)
      if ((boosters.get(booster) ?? 0) >= limits.perBooster) return false;
    for (const tag of post.tags) if ((tags.get(tag.toLowerCase()) ?? 0) >= limits.perTag) return false;
    return post.source === 'home' || discovery < discoveryCap;
  };
  const place = (c: number): void => {
    placed.push(c);
    window.push(candidates[c]!);
    applyPost(candidates[c]!, 1);
    if (window.length > limits.window) applyPost(window.shift()!, -1);
  };

  const window: Candidate[] = preceding.slice(-limits.window);
  const applyPost = (post: Candidate, delta: 1 | -1): void => {
    count(authors, post.authorId, delta);
    for (const booster of post.boosterIds) count(boosters, booster, delta);
    for (const tag of post.tags) count(tags, tag.toLowerCase(), delta);
    if (post.source !== 'home') discovery += delta;
  };
  for (const post of window) applyPost(post, 1);

  let next = 0;
  while (placed.length < order.length) {
    let chosen = -1;
    for (let h = 0; h < held.length; h++) {
      if (fits(held[h]!)) {
        chosen = held.splice(h, 1)[0]!;
        break;
      }
    }
    while (chosen < 0 && next < order.length) {
      const c = order[next++]!;
      if (fits(c)) chosen = c;
      else if (held.length < MAX_HELD) held.push(c);
      else chosen = c;
    }
    // Nothing fits: the best held post goes next rather than leaving a hole.
    if (chosen < 0) chosen = held.shift()!;
    place(chosen);
  }
  return placed;
}
