/**
 * Sorting indices by an integer key with a typed array's native sort and no comparator: each
 * (key, index) pair is packed into one exactly representable float64, key × 2^20 + index. The
 * ranking sorts 10,000 candidates this way several times faster than with a comparator.
 */
const INDEX_BITS = 2 ** 20;
/** The largest key: key × 2^20 + index stays below 2^53. */
export const MAX_SORT_KEY = 2 ** 32;

/** Orders `indices` in place by ascending `key(index)` (integers from 0 to MAX_SORT_KEY), ties by index. */
export function sortByIntegerKey(indices: number[], key: (index: number) => number): void {
  const n = indices.length;
  if (n >= INDEX_BITS) {
    const keys = new Map(indices.map((i) => [i, key(i)]));
    indices.sort((a, b) => keys.get(a)! - keys.get(b)! || a - b);
    return;
  }
  const packed = new Float64Array(n);
  for (let k = 0; k < n; k++) packed[k] = key(indices[k]!) * INDEX_BITS + indices[k]!;
  packed.sort();
  for (let k = 0; k < n; k++) indices[k] = packed[k]! % INDEX_BITS;
}
