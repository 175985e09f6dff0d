import { describe, expect, it } from 'vitest';
import {
  DocumentFrequencies,
  HashedNgramEmbedder,
  decodeVector,
  encodeQuantized,
  quantize,
  type EmbedInput,
} from './embedder';
import { dot } from './person-model';

const input = (text: string, tags: string[] = []): EmbedInput => ({
  text,
  tags,
  mentions: [],
  links: [],
  language: null,
});

const CORPUS = [
  'The new Rust compiler release makes borrow checking faster',
  'Sourdough bread needs a long slow rise in a cold kitchen',
  'Our garden tomatoes finally turned red after the rain',
  'Linux kernel maintainers merged the scheduler patches',
  'Der Zug nach Berlin hatte heute wieder Verspätung',
  '今日は新しいカメラで写真を撮りました',
];

function embedderOver(texts: string[]): HashedNgramEmbedder {
  const frequencies = new DocumentFrequencies();
  for (const text of texts) frequencies.observe(input(text));
  return new HashedNgramEmbedder(frequencies);
}

describe('HashedNgramEmbedder', () => {
  it('gives the same text the same vector on every install with the same corpus', () => {
    const a = embedderOver(CORPUS).embed(input('Rust compiler borrow checker', ['rust']));
    const b = embedderOver(CORPUS).embed(input('Rust compiler borrow checker', ['rust']));
    expect(Buffer.from(a.buffer)).toEqual(Buffer.from(b.buffer));
    expect(embedderOver(CORPUS).modelId).toBe(embedderOver(CORPUS).modelId);
  });

  it('makes unit vectors of 256 dimensions, in any script', () => {
    const embedder = embedderOver(CORPUS);
    for (const text of CORPUS) {
      const vector = embedder.embed(input(text));
      expect(vector).toHaveLength(256);
      expect(dot(vector, vector)).toBeCloseTo(1, 5);
    }
  });

  it('puts posts on one subject closer than posts on different subjects', () => {
    const embedder = embedderOver(CORPUS);
    const rust = embedder.embed(input('Rust compiler release with faster borrow checking'));
    const rust2 = embedder.embed(
      input('Trying the new rust compiler, borrow checker errors are clearer', ['rust']),
    );
    const bread = embedder.embed(input('Baking sourdough bread with a slow cold rise'));
    expect(dot(rust, rust2)).toBeGreaterThan(dot(rust, bread) + 0.1);
    const photo = embedder.embed(input('新しいカメラで写真'));
    expect(dot(photo, embedder.embed(input(CORPUS[5]!)))).toBeGreaterThan(dot(photo, rust) + 0.1);
  });

  it("finds a post's nearest neighbour on its subject when most of its words are everyday ones", () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const word = (): string =>
      Array.from({ length: 3 }, () =>
        pick(['ka', 'lo', 'mi', 'ren', 'tas', 'vu', 'shi', 'gor', 'an', 'pel']),
      ).join('');
    const everyday = Array.from({ length: 30 }, word);
    const subjects = Array.from({ length: 8 }, () => Array.from({ length: 30 }, word));
    const posts = Array.from({ length: 400 }, (_, i) => {
      const subject = i % subjects.length;
      const length = 10 + Math.floor(random() * 25);
      const words = Array.from({ length }, () => pick(random() < 0.35 ? subjects[subject]! : everyday));
      return { subject, text: words.join(' ') };
    });
    const embedder = embedderOver(posts.map((p) => p.text));
    const vectors = posts.map((p) => embedder.embed(input(p.text)));
    let onSubject = 0;
    for (let i = 0; i < 100; i++) {
      let best = -1;
      for (let j = 0; j < posts.length; j++)
        if (j !== i && (best < 0 || dot(vectors[i]!, vectors[j]!) > dot(vectors[i]!, vectors[best]!)))
          best = j;
      if (posts[best]!.subject === posts[i]!.subject) onSubject++;
    }
    expect(onSubject).toBeGreaterThanOrEqual(90);
  });

  it('weights rare words above common ones', () => {
    const frequencies = new DocumentFrequencies();
    for (let i = 0; i < 50; i++) frequencies.observe(input(`today the weather was fine ${i}`));
    const embedder = new HashedNgramEmbedder(frequencies);
    const query = embedder.embed(input('today the weather was fine with axolotls'));
    const rare = embedder.embed(input('axolotls'));
    const common = embedder.embed(input('today the weather'));
    expect(dot(query, rare)).toBeGreaterThan(dot(query, common));
  });

  it('keeps quantised vectors within 1% of the float cosine, stored in 260 bytes', () => {
    const embedder = embedderOver(CORPUS);
    const vectors = CORPUS.map((t) => embedder.embed(input(t)));
    for (const a of vectors) {
      for (const b of vectors) {
        const qa = decodeVector(encodeQuantized(quantize(a)), 256)!;
        const qb = quantize(b);
        let sum = 0;
        for (let i = 0; i < 256; i++) sum += qa.values[i]! * qb.values[i]!;
        expect(Math.abs(sum * qa.scale * qb.scale - dot(a, b))).toBeLessThan(0.01);
      }
    }
    expect(encodeQuantized(quantize(vectors[0]!)).length).toBe(260);
    expect(decodeVector(new Uint8Array(7), 256)).toBeNull();
  });
});
