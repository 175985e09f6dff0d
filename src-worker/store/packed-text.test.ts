import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { docsStatuses } from '../../test/fixtures/docs-statuses';
import { storedRawJson } from '../ingest/normalize';
import { packText, storedText, unpackText } from './packed-text';

describe('packed texts', () => {
  it('give back every text as it was, NUL aside', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(unpackText(packText(text))).toBe(text.replaceAll('\0', '\uFFFD'));
      }),
    );
    for (const text of ['', 'a', '<p>é 😀 日本語</p>', 'x'.repeat(100_000), '<p>a\u0000b</p>'])
      expect(unpackText(packText(text))).toBe(text.replaceAll('\0', '\uFFFD'));
  });

  it('give back texts longer than the buffer they are inflated into, and texts read one after another', () => {
    // Pseudo-random letters deflate cannot shorten (stored blocks) between repeats it can.
    let seed = 7;
    const noise = (n: number) =>
      Array.from({ length: n }, () =>
        String.fromCharCode(0x21 + ((seed = (seed * 48271) % 0x7fffffff) % 90)),
      ).join('');
    const texts = [
      'x'.repeat(65_536),
      'x'.repeat(65_535),
      `${noise(70_000)}${'<p>again</p>'.repeat(20_000)}`,
      `${'<p>again</p>'.repeat(5_000)}${noise(80_000)}`,
      '<p>short</p>'.repeat(3),
    ];
    const packed = texts.map(packText);
    expect(packed.every((p) => p[0] === 1)).toBe(true);
    for (let round = 0; round < 2; round++) packed.forEach((p, i) => expect(unpackText(p)).toBe(texts[i]));
    expect(() => unpackText(new Uint8Array([1, 0xff, 0xff, 0xff]))).toThrow();
  });

  it('hold the documentation statuses in well under half their length', () => {
    let plain = 0;
    let packed = 0;
    for (const { status } of docsStatuses()) {
      const raw = storedRawJson(status);
      const html = (status as { content: string }).content;
      plain += raw.length + html.length;
      packed += packText(raw).length + packText(html).length;
    }
    expect(packed).toBeLessThan(plain * 0.45);
  });

  it('store a text deflate cannot shorten as it is, one byte longer', () => {
    const random = String.fromCharCode(...Array.from({ length: 40 }, (_, i) => 0x4e00 + ((i * 7919) % 2000)));
    expect(packText('ok')).toEqual(new Uint8Array([0, 0x6f, 0x6b]));
    expect(packText(random).length).toBeLessThanOrEqual(new TextEncoder().encode(random).length + 1);
  });

  it('refuse bytes of an unknown form, and read rows stored before texts were packed', () => {
    expect(() => unpackText(new Uint8Array([9, 1, 2]))).toThrow(/unknown form \(9\)/);
    expect(() => unpackText(new Uint8Array([]))).toThrow(/unknown form \(empty\)/);
    expect(storedText(null, '<p>stored before</p>')).toBe('<p>stored before</p>');
    expect(storedText(packText('<p>packed</p>'), '')).toBe('<p>packed</p>');
  });
});
