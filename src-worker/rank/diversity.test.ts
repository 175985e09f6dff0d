import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, diversify } from './diversity';
import type { Candidate, CandidateSource } from './features';

function candidate(
  id: number,
  authorId: number,
  source: CandidateSource = 'home',
  tags: string[] = [],
): Candidate {
  return {
    id,
    authorId,
    authorAcct: `author${authorId}@example.social`,
    createdAt: 0,
    enteredAt: 0,
    language: 'en',
    tags,
    favourites: 0,
    reblogs: 0,
    replies: 0,
    countsAt: 0,
    authorFollowers: 100,
    boosterIds: [],
    mentionsMe: false,
    inThread: false,
    inReplyToId: null,
    source,
    vectorSlot: -1,
    collaborative: 0,
  };
}

/** The most posts any `window` consecutive places hold that `test` is true of. */
function mostInAnyWindow(order: number[], window: number, test: (c: number) => boolean): number {
  let most = 0;
  for (let start = 0; start + window <= order.length; start++)
    most = Math.max(most, order.slice(start, start + window).filter(test).length);
  return most;
}

describe('the diversity pass', () => {
  it('keeps discovery posts to their share of every window, however many rank above home posts', () => {
    // 300 trending posts score above 50 home posts; one in ten may come from discovery.
    const candidates = [
      ...Array.from({ length: 300 }, (_, i) => candidate(i, 1000 + i, 'trend')),
      ...Array.from({ length: 50 }, (_, i) => candidate(300 + i, 2000 + i)),
    ];
    const order = candidates.map((_, c) => c);
    const placed = diversify(order, candidates, { ...DEFAULT_LIMITS, discoveryShare: 0.1 });
    expect([...placed].sort((a, b) => a - b)).toEqual(order);
    // While home posts last, no window of 20 has more than 2 from discovery.
    const head = placed.slice(0, 50);
    expect(mostInAnyWindow(head, 20, (c) => candidates[c]!.source !== 'home')).toBeLessThanOrEqual(2);
    // Then the trending posts follow in their own order.
    const tail = placed.filter((c) => candidates[c]!.source === 'trend');
    expect(tail).toEqual([...tail].sort((a, b) => a - b));
  });

  it('lets no author or hashtag flood a window, and counts the posts already shown above', () => {
    const candidates = [
      ...Array.from({ length: 12 }, (_, i) => candidate(i, 1)),
      ...Array.from({ length: 12 }, (_, i) => candidate(12 + i, 100 + i, 'home', ['rust'])),
      ...Array.from({ length: 40 }, (_, i) => candidate(24 + i, 200 + i)),
    ];
    const order = candidates.map((_, c) => c);
    const placed = diversify(order, candidates, DEFAULT_LIMITS);
    // While other posts last (after them, what was held back comes in its own order).
    const head = placed.slice(0, 50);
    expect(mostInAnyWindow(head, 20, (c) => candidates[c]!.authorId === 1)).toBeLessThanOrEqual(4);
    expect(mostInAnyWindow(head, 20, (c) => candidates[c]!.tags.includes('rust'))).toBeLessThanOrEqual(4);
    expect(placed.slice(0, 4)).toEqual([0, 1, 2, 3]);

    // Four posts by author 1 were just shown: the next one waits.
    const shown = [candidate(900, 1), candidate(901, 1), candidate(902, 1), candidate(903, 1)];
    const below = diversify(order, candidates, DEFAULT_LIMITS, shown);
    expect(candidates[below[0]!]!.authorId).not.toBe(1);
  });
});
