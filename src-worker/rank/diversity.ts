/**
 * The diversity pass: walks the candidates best first and, in every window of consecutive posts,
 * holds back a post that would be one too many from the same author, the same booster, the same
 * hashtag, or from discovery sources. A held-back post takes the first place where it fits, so
 * nothing is dropped, only moved down; when nothing held back fits, the best of them goes next.
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

/**
 * One author may fill a fifth of any window: an author the person reads most of would lose more
 * at three (measured by `npm run eval`); more than four in twenty is a flood.
 */
export const DEFAULT_LIMITS: DiversityLimits = {
  window: 20,
  perAuthor: 4,
  perBooster: 3,
  perTag: 4,
  discoveryShare: 0.2,
};

/**
 * Most posts looked at again for each place, so the pass stays linear; posts held back past these
 * wait in order behind them.
 */
const MAX_HELD = 256;

/** Small integer keys for authors, boosters and tags, so that window counts live in typed arrays. */
class Keys<K> {
  private readonly map = new Map<K, number>();
  key(value: K): number {
    let key = this.map.get(value);
    if (key === undefined) this.map.set(value, (key = this.map.size));
    return key;
  }
  get size(): number {
    return this.map.size;
  }
}

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
  // The posts to order (by their place in `order`), then the preceding ones, as dense keys in flat
  // arrays: only these are looked at, however many candidates there are.
  const all = order.map((c) => candidates[c]!);
  for (const post of preceding.slice(-limits.window)) all.push(post);
  const total = all.length;
  const authorKeys = new Keys<number>();
  const boosterKeys = new Keys<number>();
  const tagKeys = new Keys<string>();
  const authorOf = new Int32Array(total);
  const discoveryOf = new Uint8Array(total);
  const boosterStart = new Int32Array(total + 1);
  const tagStart = new Int32Array(total + 1);
  const boosterList: number[] = [];
  const tagList: number[] = [];
  for (let p = 0; p < total; p++) {
    const post = all[p]!;
    authorOf[p] = authorKeys.key(post.authorId);
    discoveryOf[p] = post.source === 'home' ? 0 : 1;
    for (const booster of post.boosterIds) boosterList.push(boosterKeys.key(booster));
    for (const tag of post.tags) tagList.push(tagKeys.key(tag.toLowerCase()));
    boosterStart[p + 1] = boosterList.length;
    tagStart[p + 1] = tagList.length;
  }
  const authors = new Int32Array(authorKeys.size);
  const boosters = new Int32Array(boosterKeys.size);
  const tags = new Int32Array(tagKeys.size);
  let discovery = 0;

  const apply = (p: number, delta: 1 | -1): void => {
    authors[authorOf[p]!]! += delta;
    for (let i = boosterStart[p]!; i < boosterStart[p + 1]!; i++) boosters[boosterList[i]!]! += delta;
    for (let i = tagStart[p]!; i < tagStart[p + 1]!; i++) tags[tagList[i]!]! += delta;
    discovery += delta * discoveryOf[p]!;
  };
  const fits = (p: number): boolean => {
    if (authors[authorOf[p]!]! >= limits.perAuthor) return false;
    for (let i = boosterStart[p]!; i < boosterStart[p + 1]!; i++)
      if (boosters[boosterList[i]!]! >= limits.perBooster) return false;
    for (let i = tagStart[p]!; i < tagStart[p + 1]!; i++)
      if (tags[tagList[i]!]! >= limits.perTag) return false;
    return discoveryOf[p] === 0 || discovery < discoveryCap;
  };

  // The window as a ring of the last `limits.window` posts placed.
  const ring = new Int32Array(Math.max(1, limits.window));
  let ringSize = 0;
  let ringHead = 0;
  const push = (p: number): void => {
    if (ringSize === limits.window) {
      apply(ring[ringHead]!, -1);
      ringSize--;
      ringHead = (ringHead + 1) % limits.window;
    }
    if (limits.window === 0) return;
    ring[(ringHead + ringSize) % limits.window] = p;
    ringSize++;
    apply(p, 1);
  };
  for (let p = order.length; p < total; p++) push(p);

  const placed: number[] = [];
  const held: number[] = [];
  const waiting: number[] = [];
  let waitingHead = 0;
  let next = 0;
  while (placed.length < order.length) {
    while (held.length < MAX_HELD && waitingHead < waiting.length) held.push(waiting[waitingHead++]!);
    let chosen = -1;
    for (let h = 0; h < held.length; h++) {
      if (fits(held[h]!)) {
        chosen = held.splice(h, 1)[0]!;
        break;
      }
    }
    while (chosen < 0 && next < order.length) {
      const p = next++;
      if (fits(p)) chosen = p;
      else if (held.length < MAX_HELD && waitingHead === waiting.length) held.push(p);
      else waiting.push(p);
    }
    // Nothing fits: the best held post goes next rather than leaving a hole.
    if (chosen < 0) chosen = held.shift()!;
    placed.push(order[chosen]!);
    push(chosen);
  }
  return placed;
}
