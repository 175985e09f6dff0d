/**
 * Post embeddings.
 *
 * `Embedder` is the seam for any model: text and a post's metadata in, a unit vector of fixed length
 * out, and a model id stored beside every vector so that vectors of different models are never
 * compared. The default, `HashedNgramEmbedder`, needs no download and works in any script: words,
 * character trigrams, hashtags, mentions and link domains are hashed (FNV-1a, fixed seeds, so the
 * same text gives the same vector on every install), weighted by sublinear term frequency times the
 * inverse document frequency of the local corpus, and projected to 256 dimensions by the hashing
 * trick (each feature adds ± its weight to two dimensions).
 *
 * Word pairs are left out. In 256 dimensions two unrelated posts already have cosines of about
 * ±0.06, and a feature that two posts do not share only adds to that noise. Most word pairs occur in
 * one post, and with their high IDF they made up most of a vector. Without them, a post's nearest
 * neighbour on generated data shares its subject 95% of the time instead of 72%.
 */

export const EMBEDDING_DIMS = 256;

export interface EmbedInput {
  text: string;
  tags: readonly string[];
  mentions: readonly string[];
  /** Link URLs or bare domains. */
  links: readonly string[];
  language: string | null;
}

/** The version of the default embedder's features; its model ids and frequency table carry it. */
export const HASHGRAM_VERSION = 'hashgram-256/2';

export interface Embedder {
  /** Changes whenever vectors would change: a model, its version, or its IDF generation. */
  readonly modelId: string;
  readonly dims: number;
  embed(input: EmbedInput): Float32Array;
}

/** Number of buckets the document frequencies are counted in (a power of two). */
const DF_BUCKETS = 1 << 18;

const WORD_RE = /[\p{L}\p{N}_]+/gu;
/** Scripts written without spaces, where a "word" match is a whole phrase. */
const UNSPACED_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

function fnv1a(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche (murmur3 fmix32) so that nearby inputs spread over the buckets.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

interface WeightedFeature {
  hash: number;
  /** Group weight times sublinear term frequency, before IDF. */
  weight: number;
}

const GROUP_WEIGHT = { word: 1, trigram: 0.6, tag: 2.5, mention: 1.2, domain: 1.5 };

function domainOf(link: string): string | null {
  try {
    const host = link.includes('://') ? new URL(link).hostname : link;
    return host.replace(/^www\./, '').toLowerCase() || null;
  } catch {
    return null;
  }
}

/** The features of one document, each hashed once, with their term frequency weights. */
export function documentFeatures(input: EmbedInput): WeightedFeature[] {
  const counts = new Map<string, number>();
  const add = (key: string, groupWeight: number): void => {
    counts.set(key, (counts.get(key) ?? 0) + groupWeight);
  };
  const words = input.text.toLowerCase().match(WORD_RE) ?? [];
  for (const word of words) {
    if (UNSPACED_RE.test(word)) {
      // No spaces to split on: character bigrams carry the meaning.
      for (let i = 0; i + 2 <= word.length; i++) add('w\u0001' + word.slice(i, i + 2), GROUP_WEIGHT.word);
      continue;
    }
    if (word.length > 1) add('w\u0001' + word, GROUP_WEIGHT.word);
    if (word.length >= 4) {
      const padded = `<${word}>`;
      // A word's trigrams share one word's worth of weight, so that spelling carries less than words.
      const share = GROUP_WEIGHT.trigram / (padded.length - 2);
      for (let i = 0; i + 3 <= padded.length; i++) add('c\u0001' + padded.slice(i, i + 3), share);
    }
  }
  for (const tag of input.tags) add('t\u0001' + tag.toLowerCase(), GROUP_WEIGHT.tag);
  for (const mention of input.mentions) add('m\u0001' + mention.toLowerCase(), GROUP_WEIGHT.mention);
  for (const link of input.links) {
    const domain = domainOf(link);
    if (domain) add('d\u0001' + domain, GROUP_WEIGHT.domain);
  }
  const features: WeightedFeature[] = [];
  for (const [key, count] of counts) {
    // Sublinear term frequency: a word said five times is not five times the topic.
    features.push({ hash: fnv1a(key, 0x811c9dc5), weight: count <= 1 ? count : 1 + Math.log(count) });
  }
  return features;
}

/**
 * Document frequencies over hashed buckets. A bucket collision merges two rare features' counts,
 * which only lowers their IDF a little; 2^18 buckets keep that rare for a personal corpus.
 */
export class DocumentFrequencies {
  readonly counts: Uint32Array;
  documents: number;

  constructor(counts?: Uint32Array, documents = 0) {
    this.counts = counts ?? new Uint32Array(DF_BUCKETS);
    if (this.counts.length !== DF_BUCKETS) throw new Error('Document frequency table has the wrong size');
    this.documents = documents;
  }

  observe(input: EmbedInput): void {
    const seen = new Set<number>();
    for (const feature of documentFeatures(input)) {
      const bucket = feature.hash & (DF_BUCKETS - 1);
      if (seen.has(bucket)) continue;
      seen.add(bucket);
      this.counts[bucket]!++;
    }
    this.documents++;
  }

  idf(hash: number): number {
    const df = this.counts[hash & (DF_BUCKETS - 1)]!;
    return Math.log((this.documents + 1) / (df + 1)) + 1;
  }
}

/**
 * The IDF generation a corpus of `documents` posts uses. Each batch of vectors is made with a
 * snapshot of the frequencies, and all are made again (in the background) when the corpus has grown
 * tenfold, so that the vectors compared in one ranking were made with much the same weights; while
 * that runs, vectors of two neighbouring generations are compared.
 */
export function idfGeneration(documents: number): number {
  return documents < 1000 ? 0 : Math.floor(Math.log10(documents)) - 2;
}

export class HashedNgramEmbedder implements Embedder {
  readonly dims = EMBEDDING_DIMS;
  readonly modelId: string;
  private readonly frequencies: DocumentFrequencies;

  /** `frequencies` is used as it is; pass a snapshot that does not change under the embedder. */
  constructor(frequencies: DocumentFrequencies, generation = idfGeneration(frequencies.documents)) {
    this.frequencies = frequencies;
    this.modelId = `${HASHGRAM_VERSION}.g${generation}`;
  }

  embed(input: EmbedInput): Float32Array {
    const vector = new Float32Array(this.dims);
    const mask = this.dims - 1;
    for (const feature of documentFeatures(input)) {
      const weight = feature.weight * this.frequencies.idf(feature.hash);
      const second = fnv1a(String(feature.hash), 0x9747b28c);
      // Two dimensions per feature, signs from independent bits: collisions cancel on average.
      vector[feature.hash & mask]! += feature.hash & 0x100 ? weight : -weight;
      vector[second & mask]! += second & 0x100 ? weight : -weight;
    }
    return normalize(vector);
  }
}

export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  if (sum === 0) return vector;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i]! *= scale;
  return vector;
}

/**
 * A unit vector as 8-bit integers and one scale: a quarter of the memory of float32 (256 bytes
 * against 1 KB a post). `bench:rank` measures what it costs in accuracy.
 */
export interface QuantizedVector {
  values: Int8Array;
  scale: number;
}

export function quantize(vector: Float32Array): QuantizedVector {
  let max = 0;
  for (let i = 0; i < vector.length; i++) max = Math.max(max, Math.abs(vector[i]!));
  const scale = max === 0 ? 0 : max / 127;
  const values = new Int8Array(vector.length);
  if (scale > 0) for (let i = 0; i < vector.length; i++) values[i] = Math.round(vector[i]! / scale);
  return { values, scale };
}

/** The stored form: a little-endian float32 scale, then the int8 values. */
export function encodeQuantized(vector: QuantizedVector): Uint8Array {
  const bytes = new Uint8Array(4 + vector.values.length);
  new DataView(bytes.buffer).setFloat32(0, vector.scale, true);
  bytes.set(new Uint8Array(vector.values.buffer, vector.values.byteOffset, vector.values.length), 4);
  return bytes;
}

/** Reads either stored form: quantised (4 + dims bytes) or float32 (4 × dims bytes). */
export function decodeVector(bytes: Uint8Array, dims: number): QuantizedVector | null {
  if (bytes.length === 4 + dims) {
    const scale = new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, true);
    return {
      values: new Int8Array(bytes.buffer.slice(bytes.byteOffset + 4, bytes.byteOffset + 4 + dims)),
      scale,
    };
  }
  if (bytes.length === 4 * dims) {
    const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    return quantize(normalize(floats));
  }
  return null;
}
