import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleDotWasm, DOT_WAT_PATH } from '../../scripts/wasm';
import { DOT_WASM_BASE64 } from './dot-wasm';
import { EMBEDDING_DIMS, normalize } from './embedder';
import { dot } from './person-model';
import { VectorIndex } from './vector-index';

/** Deterministic unit vectors. */
function vectors(count: number, seed: number): Float32Array[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  return Array.from({ length: count }, () => normalize(Float32Array.from({ length: EMBEDDING_DIMS }, next)));
}

describe('VectorIndex', () => {
  it('runs the committed WebAssembly, which is what dot.wat assembles to', async () => {
    const assembled = await assembleDotWasm(readFileSync(DOT_WAT_PATH, 'utf8'));
    expect(Buffer.from(assembled).toString('base64')).toBe(DOT_WASM_BASE64);
    expect(new VectorIndex().simd).toBe(true);
    expect(new VectorIndex({ simd: false }).simd).toBe(false);
  });

  it('gives the float dot products of stored vectors with several queries, SIMD or not', () => {
    const posts = vectors(5000, 1);
    const queries = vectors(9, 2);
    const packed = new Float32Array(9 * EMBEDDING_DIMS);
    queries.forEach((q, i) => packed.set(q, i * EMBEDDING_DIMS));
    for (const simd of [true, false]) {
      const index = new VectorIndex({ simd });
      // More rows than the first allocation holds: growing the memory keeps what was stored.
      posts.forEach((v, i) => index.set(100 + i, v));
      expect(index.size).toBe(5000);
      const slots = [index.slotOf(100), -1, index.slotOf(4999 + 100), index.slotOf(1234 + 100)];
      const out = new Float32Array(slots.length * 9);
      index.dotSlots(slots, packed, 9, out);
      const expected = [posts[0]!, null, posts[4999]!, posts[1234]!].flatMap((post) =>
        queries.map((q) => (post ? dot(post, q) : 0)),
      );
      for (let k = 0; k < out.length; k++) expect(out[k]).toBeCloseTo(expected[k]!, 2);
    }
  });

  it('answers the same whether SIMD or the plain loop does the work, across many calls', () => {
    const posts = vectors(2500, 3);
    const [query] = vectors(1, 4);
    const simd = new VectorIndex({ simd: true });
    const plain = new VectorIndex({ simd: false });
    posts.forEach((v, i) => {
      simd.set(i + 1, v);
      plain.set(i + 1, v);
    });
    const slots = posts.map((_, i) => i);
    const a = new Float32Array(slots.length);
    const b = new Float32Array(slots.length);
    simd.dotSlots(slots, query!, 1, a);
    plain.dotSlots(slots, query!, 1, b);
    expect(Array.from(a)).toEqual(Array.from(b));
    // Replacing a post's vector replaces it in place.
    simd.set(1, query!);
    simd.dotSlots([0], query!, 1, a);
    expect(a[0]).toBeCloseTo(1, 2);
    expect(() => simd.dotSlots([0], new Float32Array(17 * EMBEDDING_DIMS), 17, a)).toThrow(/16 queries/);
  });

  it('forgets a deleted post, whose slot the next new post takes', () => {
    const [a, b, c, query] = vectors(4, 5);
    const index = new VectorIndex();
    index.set(1, a!);
    index.set(2, b!);
    const slot = index.slotOf(1);
    index.delete(1);
    index.delete(99);
    expect(index.has(1)).toBe(false);
    expect(index.slotOf(1)).toBe(-1);
    expect(index.size).toBe(1);
    expect(index.set(3, c!)).toBe(slot);
    expect(index.size).toBe(2);
    const out = new Float32Array(2);
    index.dotSlots([index.slotOf(3), index.slotOf(2)], query!, 1, out);
    expect(out[0]).toBeCloseTo(dot(c!, query!), 2);
    expect(out[1]).toBeCloseTo(dot(b!, query!), 2);
  });
});
