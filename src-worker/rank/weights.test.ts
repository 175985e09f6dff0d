import { describe, expect, it } from 'vitest';
import { F, FEATURE_COUNT } from './features';
import { defaultSettings, effectiveWeights, learnFromFeedback, type Example } from './weights';

/** An example whose features are all 0 but those given. */
function example(
  values: Partial<Record<keyof typeof F, number>>,
  positive: boolean,
  viewed: boolean,
): Example {
  const features = new Float32Array(FEATURE_COUNT);
  for (const [feature, value] of Object.entries(values)) features[F[feature as keyof typeof F]] = value;
  return { features, offset: 0, positive, viewed };
}

/** `count` copies of an example. */
function times(count: number, make: () => Example): Example[] {
  return Array.from({ length: count }, make);
}

describe('learning the weights', () => {
  // The person acts on a third of what they look at by one author, and on one in forty of the rest;
  // posts by that author they never reached are many, and none was acted on.
  const looked = [
    ...times(10, () => example({ author: 1 }, true, true)),
    ...times(20, () => example({ author: 1 }, false, true)),
    ...times(5, () => example({ author: 0 }, true, true)),
    ...times(200, () => example({ author: 0 }, false, true)),
  ];
  const unreached = times(400, () => example({ author: 1, recency: -1 }, false, false));

  it('learns what the person likes from the posts they looked at, not from those they never reached', () => {
    const before = effectiveWeights(defaultSettings());
    const learned = learnFromFeedback(defaultSettings(), [...looked, ...unreached]);
    expect(learned.examples).toBe(looked.length);
    expect(effectiveWeights(learned)[F.author]).toBeGreaterThan(before[F.author]!);
    // Without view records every post ranked is learned from, and the unreached posts by the
    // author count against them.
    const blind = [...looked, ...unreached].map((e) => ({ ...e, viewed: false }));
    expect(effectiveWeights(learnFromFeedback(defaultSettings(), blind))[F.author]).toBeLessThan(
      before[F.author]!,
    );
  });

  it('leaves recency and seen alone, and learns nothing frozen, chronological or without a positive', () => {
    const mixed = [
      ...times(10, () => example({ recency: 1, seen: 0 }, true, true)),
      ...times(50, () => example({ recency: -1, seen: 1 }, false, true)),
    ];
    const learned = learnFromFeedback(defaultSettings(), mixed);
    expect(learned.learned.recency).toBeUndefined();
    expect(learned.learned.seen).toBeUndefined();

    const frozen = { ...defaultSettings(), learning: false };
    expect(learnFromFeedback(frozen, looked)).toBe(frozen);
    const chronological = defaultSettings('chronological');
    expect(learnFromFeedback(chronological, looked)).toBe(chronological);
    const none = looked.filter((e) => !e.positive);
    expect(learnFromFeedback(defaultSettings(), none).learned).toEqual({});
  });

  it('stays finite and moderate when the prior is far off, and skips rows that are not numbers', () => {
    // Three posts in ten acted on, whatever their features: nothing to learn but the rate.
    let seed = 7;
    const random = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const rows: Example[] = Array.from({ length: 3000 }, (_, i) => {
      const features = Float32Array.from({ length: FEATURE_COUNT }, random);
      return { features, offset: 0, positive: i % 10 < 3, viewed: true };
    });
    rows.push(example({ author: Number.NaN }, true, true));
    const learned = learnFromFeedback(defaultSettings(), rows);
    expect(learned.examples).toBe(3000);
    const weights = effectiveWeights(learned);
    for (const weight of weights) expect(Math.abs(weight)).toBeLessThan(20);
    // The fit pulls the weights toward nothing mattering, from the prior's side.
    expect(Math.abs(weights[F.author]!)).toBeLessThan(effectiveWeights(defaultSettings())[F.author]!);
  });

  it('stays near the prior on little evidence and moves further on more', () => {
    const prior = effectiveWeights(defaultSettings())[F.author]!;
    const few = learnFromFeedback(defaultSettings(), [
      ...looked.slice(0, 2),
      ...looked.slice(10, 14),
      looked[30]!,
      ...looked.slice(35, 75),
    ]);
    const many = learnFromFeedback(defaultSettings(), [...looked, ...looked, ...looked]);
    const moved = (settings: typeof few): number => Math.abs(effectiveWeights(settings)[F.author]! - prior);
    expect(moved(few)).toBeLessThan(moved(many));
    expect(Number.isFinite(effectiveWeights(many)[F.author])).toBe(true);
  });
});
