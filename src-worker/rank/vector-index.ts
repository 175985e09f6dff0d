/**
 * Every post's embedding, held in memory in the worker as int8 rows of one growing WebAssembly
 * memory, so that a ranking compares thousands of posts with a few profile vectors in one call of
 * dot.wat's SIMD loop (16 dimensions an instruction). Where WebAssembly SIMD is missing, the same
 * memory is read by a plain loop with the same results.
 */
import { DOT_WASM_BASE64 } from './dot-wasm';
import { EMBEDDING_DIMS, quantize, type QuantizedVector } from './embedder';

const PAGE = 65536;
/** Queries (int16), slots (int32) and results (int32) of one call, then the rows from ROWS_AT. */
const MAX_QUERIES = 16;
const CHUNK = 1024;
const QUERY_AT = 0;
const SLOTS_AT = QUERY_AT + MAX_QUERIES * EMBEDDING_DIMS * 2;
const OUT_AT = SLOTS_AT + CHUNK * 4;
const ROWS_AT = 2 * PAGE;
/** int16 range used by a quantised query. */
const QUERY_RANGE = 32767;

type DotsFunction = (
  base: number,
  dims: number,
  slots: number,
  count: number,
  query: number,
  queries: number,
  out: number,
) => void;

let simd: WebAssembly.Module | null | undefined;

/** The compiled dot.wat, or null where WebAssembly SIMD is not available. */
function simdModule(): WebAssembly.Module | null {
  if (simd === undefined) {
    const bytes = Uint8Array.from(atob(DOT_WASM_BASE64), (c) => c.charCodeAt(0));
    simd =
      typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return simd;
}

export interface VectorIndexOptions {
  /** Use the plain loop even where SIMD is available (tests compare the two). */
  simd?: boolean;
}

export class VectorIndex {
  readonly dims = EMBEDDING_DIMS;
  /** Whether dot products run in WebAssembly SIMD. */
  readonly simd: boolean;
  private slots = new Map<number, number>();
  private ids: number[] = [];
  /** Slots of deleted vectors, taken again by the next new ones. */
  private free: number[] = [];
  private readonly memory = new WebAssembly.Memory({ initial: ROWS_AT / PAGE + 16 });
  private readonly dots: DotsFunction | null;
  private bytesView!: Int8Array;
  private int16!: Int16Array;
  private int32!: Int32Array;
  private scales = new Float32Array(0);
  /** Rows the memory has room for. */
  private capacity = 0;

  constructor(options: VectorIndexOptions = {}) {
    const module = options.simd === false ? null : simdModule();
    this.dots = module
      ? (new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports.dots as DotsFunction)
      : null;
    this.simd = this.dots !== null;
    this.views();
  }

  get size(): number {
    return this.ids.length - this.free.length;
  }

  /** Bytes held by the vectors themselves. */
  get bytes(): number {
    return this.memory.buffer.byteLength + this.scales.byteLength;
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
    const slot = this.#slotFor(statusId);
    this.bytesView.set(q.values, ROWS_AT + slot * this.dims);
    this.scales[slot] = q.scale;
    return slot;
  }

  /**
   * Stores a vector as the database keeps it (`encodeQuantized`: a float32 scale, then the int8
   * values), copied straight into the memory; false when it is not of that form.
   */
  setEncoded(statusId: number, bytes: Uint8Array): boolean {
    if (bytes.length !== 4 + this.dims) return false;
    const slot = this.#slotFor(statusId);
    new Uint8Array(this.memory.buffer, ROWS_AT + slot * this.dims, this.dims).set(bytes.subarray(4));
    this.scales[slot] = new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, true);
    return true;
  }

  #slotFor(statusId: number): number {
    let slot = this.slots.get(statusId);
    if (slot === undefined) {
      slot = this.free.pop();
      if (slot === undefined) {
        slot = this.ids.length;
        this.ids.push(statusId);
      } else this.ids[slot] = statusId;
      this.slots.set(statusId, slot);
      if (slot >= this.capacity) this.grow(Math.max(1024, this.capacity * 2));
    }
    return slot;
  }

  /** Forgets a post's vector (the post was deleted); its slot goes to the next new vector. */
  delete(statusId: number): void {
    const slot = this.slots.get(statusId);
    if (slot === undefined) return;
    this.slots.delete(statusId);
    this.ids[slot] = -1;
    this.bytesView.fill(0, ROWS_AT + slot * this.dims, ROWS_AT + (slot + 1) * this.dims);
    this.scales[slot] = 0;
    this.free.push(slot);
  }

  private grow(rows: number): void {
    const needed = Math.ceil((ROWS_AT + rows * this.dims) / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (needed > 0) this.memory.grow(needed);
    this.views();
  }

  /** Growing the memory detaches the old buffer: views are made again. */
  private views(): void {
    const buffer = this.memory.buffer;
    this.bytesView = new Int8Array(buffer);
    this.int16 = new Int16Array(buffer);
    this.int32 = new Int32Array(buffer);
    this.capacity = Math.floor((buffer.byteLength - ROWS_AT) / this.dims);
    if (this.scales.length < this.capacity) {
      const scales = new Float32Array(this.capacity);
      scales.set(this.scales);
      this.scales = scales;
    }
  }

  /** The vector of a slot as floats (for profiles, which are few). */
  vector(slot: number): Float32Array {
    return this.vectorInto(slot, new Float32Array(this.dims));
  }

  /** The vector of a slot as floats, written to `out`. */
  vectorInto(slot: number, out: Float32Array): Float32Array {
    const scale = this.scales[slot]!;
    const base = ROWS_AT + slot * this.dims;
    for (let i = 0; i < this.dims; i++) out[i] = this.bytesView[base + i]! * scale;
    return out;
  }

  /**
   * Dot products of the vectors in `slots` with `count` queries laid out back to back in `queries`:
   * out[k * count + q] for slot k and query q; 0 for a slot of -1.
   */
  dotSlots(slots: ArrayLike<number>, queries: Float32Array, count: number, out: Float32Array): void {
    if (count < 1 || count > MAX_QUERIES)
      throw new Error(`Between 1 and ${MAX_QUERIES} queries, got ${count}`);
    const dims = this.dims;
    // Queries as int16 with one scale each: exact enough next to int8 rows, and SIMD-friendly.
    const queryScales = new Float32Array(count);
    for (let q = 0; q < count; q++) {
      let max = 0;
      for (let i = 0; i < dims; i++) max = Math.max(max, Math.abs(queries[q * dims + i]!));
      const scale = max > 0 ? max / QUERY_RANGE : 1;
      queryScales[q] = scale;
      const at = QUERY_AT / 2 + q * dims;
      for (let i = 0; i < dims; i++) this.int16[at + i] = Math.round(queries[q * dims + i]! / scale);
    }
    const slotsAt = SLOTS_AT / 4;
    const outAt = OUT_AT / 4;
    const perChunk = Math.floor(CHUNK / count);
    for (let start = 0; start < slots.length; start += perChunk) {
      const end = Math.min(slots.length, start + perChunk);
      for (let k = start; k < end; k++) this.int32[slotsAt + k - start] = slots[k]!;
      if (this.dots) this.dots(ROWS_AT, dims, SLOTS_AT, end - start, QUERY_AT, count, OUT_AT);
      else this.dotsInJs(end - start, count);
      for (let k = start; k < end; k++) {
        const slot = slots[k]!;
        const scale = slot < 0 ? 0 : this.scales[slot]!;
        for (let q = 0; q < count; q++)
          out[k * count + q] = this.int32[outAt + (k - start) * count + q]! * scale * queryScales[q]!;
      }
    }
  }

  /** What dot.wat's `dots` does, for engines without WebAssembly SIMD. */
  private dotsInJs(rows: number, count: number): void {
    const dims = this.dims;
    const v = this.bytesView;
    const query = this.int16;
    for (let k = 0; k < rows; k++) {
      const slot = this.int32[SLOTS_AT / 4 + k]!;
      const base = ROWS_AT + slot * dims;
      for (let q = 0; q < count; q++) {
        let sum = 0;
        if (slot >= 0) {
          const qb = QUERY_AT / 2 + q * dims;
          for (let i = 0; i < dims; i++) sum += v[base + i]! * query[qb + i]!;
        }
        this.int32[OUT_AT / 4 + k * count + q] = sum;
      }
    }
  }
}
