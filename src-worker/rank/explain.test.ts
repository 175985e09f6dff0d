import { describe, expect, it } from 'vitest';
import { explain } from './explain';
import { F, FEATURE_COUNT, FEATURES, type Candidate } from './features';
import { PersonModel } from './person-model';

const NOW = Date.UTC(2026, 10, 20, 12);

function candidate(authorId: number, boosterIds: number[] = []): Candidate {
  return {
    id: authorId,
    authorId,
    authorAcct: `author${authorId}@example.social`,
    createdAt: NOW,
    enteredAt: NOW,
    language: 'en',
    tags: [],
    favourites: 0,
    reblogs: 0,
    replies: 0,
    countsAt: NOW,
    authorFollowers: 100,
    boosterIds,
    mentionsMe: false,
    inThread: false,
    inReplyToId: null,
    source: 'home',
    vectorSlot: -1,
    collaborative: 0,
  };
}

/** The reason given when only `feature` lifts the post. */
function reasonFor(model: PersonModel, post: Candidate, feature: (typeof FEATURES)[number]): string {
  const features = new Float32Array(FEATURE_COUNT);
  features[F[feature]] = 0.5;
  const weights = new Float32Array(FEATURE_COUNT).fill(1);
  return explain(post, features, 0, weights, 0, model, -1, NOW).reason;
}

describe('reasons', () => {
  it('say where an author’s affinity comes from, truthfully', () => {
    const model = new PersonModel();
    for (const id of [1, 2]) model.follows.add(id);
    model.observeFeedback(
      'boost',
      { id: 10, authorId: 1, tags: [], language: 'en', inReplyToId: null, vector: null },
      NOW - 1000,
    );
    expect(reasonFor(model, candidate(1), 'author')).toBe('You often boost @author1@example.social');
    expect(reasonFor(model, candidate(2), 'author')).toBe('You follow @author2@example.social');
    expect(reasonFor(model, candidate(3), 'author')).toBe(
      'You often like posts by people you do not follow, like @author3@example.social',
    );
  });

  it('count only the boosters the person follows, and fall back to how new a post is', () => {
    const model = new PersonModel();
    model.follows.add(7);
    model.follows.add(8);
    expect(reasonFor(model, candidate(1, [7, 8, 9]), 'social')).toBe('Boosted by 2 people you follow');
    // Chronological order: every weight but recency's is zero, and no feature was worked out.
    const weights = new Float32Array(FEATURE_COUNT);
    weights[F.recency] = 1;
    const post = { ...candidate(1), enteredAt: NOW - 5 * 60_000 };
    expect(explain(post, new Float32Array(FEATURE_COUNT), 0, weights, 0, model, -1, NOW).reason).toBe(
      'New: 5 min ago',
    );
  });
});
