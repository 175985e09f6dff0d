import { describe, expect, it } from 'vitest';
import { MAX_SORT_KEY, sortByIntegerKey } from './packed-sort';
import { sortByScore } from './ranker';

describe('sorting by packed keys', () => {
  it('orders indices by key, ties by index, as a comparator sort would', () => {
    const keys = [5, 0, MAX_SORT_KEY, 5, 3, 0, 2 ** 31, 7];
    const order = [7, 6, 5, 4, 3, 2, 1, 0];
    sortByIntegerKey(order, (i) => keys[i]!);
    expect(order).toEqual([1, 5, 4, 0, 3, 7, 6, 2]);
  });

  it('sorts scores best first, negatives and ties included', () => {
    const scores = Float32Array.from([0.5, -2, 3.25, 0.5, -0.001, 0, 1e-30]);
    const order = [0, 1, 2, 3, 4, 5, 6];
    sortByScore(order, scores);
    expect(order).toEqual([2, 0, 3, 6, 5, 4, 1]);
  });
});
