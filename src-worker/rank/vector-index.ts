/**
 * Every post's embedding, held in memory in the worker as int8 rows of one growing buffer, so that a
 * ranking scans contiguous memory instead of a Map of small arrays.
 */
import { EMBEDDING_DIMS, quantize, type QuantizedVector } from './embedder';

export class VectorIndex {
  readonly dims = EMBEDDING_DIMS;
  private slots = new Map<number, number>();
  private ids: number[] = [];
  private values = new Int8Array(0);
  private scales = new Float32Array(0);

  get size(): number {
    return this.ids.length;
  }

  /** Bytes held by the vectors themselves. */
  get bytes(): number {
    return this.values.byteLength + this.scales.byteLength;
  }

  slotOf(statusId: number): number {
    return this.slots.get(statusId) ?? -1;
  }

  has(statusId: number): boolean {
    return this.slots.has(statusId);
  }

  set(statusId: number, vector: QuantizedVector | Float32Array): number {
    const q = vector instanceof Float32Array ? quantize(vector) : vector;
    if (q.values.length !== this.dims)
      throw new Error(`Expected ${this.dims} dimensions, got ${q.values.length}`);
    let slot = this.slots.get(statusId);
    if (slot === undefined) {
      slot = this.ids.length;
      this.ids.push(statusId);
      this.slots.set(statusId, slot);
      if (slot >= this.scales.length) this.grow(Math.max(1024, this.scales.length * 2));
    }
    this.values.set(q.values, slot * this.dims);
    this.scales[slot] = q.scale;
    return slot;
  }

  private grow(rows: number): void {
    const values = new Int8Array(rows * this.dims);
    values.set(this.values);
    const scales = new Float32Array(rows);
    scales.set(this.scales);
    this.values = values;
    this.scales = scales;
  }

  /** The vector of a slot as floats (for profiles, which are few). */
  vector(slot: number): Float32Array {
    const out = new Float32Array(this.dims);
    const scale = this.scales[slot]!;
    const base = slot * this.dims;
    for (let i = 0; i < this.dims; i++) out[i] = this.values[base + i]! * scale;
    return out;
  }

  /** Dot product of a slot's vector with a float vector. */
  dot(slot: number, query: Float32Array): number {
    const v = this.values;
    let base = slot * this.dims;
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    for (let i = 0; i < this.dims; i += 4, base += 4) {
      a += v[base]! * query[i]!;
      b += v[base + 1]! * query[i + 1]!;
      c += v[base + 2]! * query[i + 2]!;
      d += v[base + 3]! * query[i + 3]!;
    }
    return (a + b + c + d) * this.scales[slot]!;
  }

  /**
   * Dot products of one slot with several queries laid out back to back in `queries`, written to
   * `out`; reading the post's row once for all of them is what keeps a 10,000-post ranking fast.
   */
  dotMany(slot: number, queries: Float32Array, count: number, out: Float32Array): void {
    const dims = this.dims;
    const v = this.values;
    const base = slot * dims;
    const scale = this.scales[slot]!;
    for (let q = 0; q < count; q++) {
      const qb = q * dims;
      let a = 0;
      let b = 0;
      let c = 0;
      let d = 0;
      for (let i = 0; i < dims; i += 4) {
        a += v[base + i]! * queries[qb + i]!;
        b += v[base + i + 1]! * queries[qb + i + 1]!;
        c += v[base + i + 2]! * queries[qb + i + 2]!;
        d += v[base + i + 3]! * queries[qb + i + 3]!;
      }
      out[q] = (a + b + c + d) * scale;
    }
  }
}
