/**
 * Why a post is where it is: each feature's contribution (weight × value) and a sentence built from
 * the largest, naming what the person can act on ("less like this" on "You often favourite @ana"
 * lowers @ana, not everything).
 */
import { FEATURES, F, FEATURE_COUNT, type Candidate, type Feature } from './features';
import { topKey, type FeedbackKind, type PersonModel } from './person-model';

/** What a reason is about, so that "more/less like this" can act on exactly that. */
export type ReasonSubject =
  | { feature: 'author'; authorId: number; acct: string }
  | { feature: 'tags'; tag: string }
  | { feature: 'content'; interest: number }
  | { feature: Exclude<Feature, 'author' | 'tags' | 'content'> };

export interface Explanation {
  score: number;
  contributions: Record<Feature, number>;
  reason: string;
  subject: ReasonSubject;
}

const KIND_VERB: Partial<Record<FeedbackKind, string>> = {
  favourite: 'You often favourite',
  boost: 'You often boost',
  reply: 'You often reply to',
  bookmark: 'You often bookmark',
};
const KIND_PAST: Partial<Record<FeedbackKind, string>> = {
  favourite: 'favourited',
  boost: 'boosted',
  reply: 'replied to',
  bookmark: 'bookmarked',
  more_like_this: 'asked for more of',
};

function ageText(ms: number): string {
  const minutes = Math.round(ms / 60000);
  if (minutes < 60) return `${Math.max(1, minutes)} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

function sentence(
  feature: Feature,
  post: Candidate,
  model: PersonModel,
  interest: number,
  now: number,
): [string, ReasonSubject] {
  switch (feature) {
    case 'author': {
      // What the author's affinity comes from: the person's own acts on their posts, else how
      // often they act on people they follow, or on people they do not follow.
      const taste = model.authors.get(post.authorId);
      const kind = taste ? topKey(taste.kinds) : null;
      const verb = kind ? KIND_VERB[kind] : undefined;
      const followed = model.follows.size === 0 || model.follows.has(post.authorId);
      const text = verb
        ? `${verb} @${post.authorAcct}`
        : (taste?.positive.valueAt(now) ?? 0) > 0
          ? `You have liked posts by @${post.authorAcct}`
          : followed
            ? `You follow @${post.authorAcct}`
            : `You often like posts by people you do not follow, like @${post.authorAcct}`;
      return [text, { feature, authorId: post.authorId, acct: post.authorAcct }];
    }
    case 'tags': {
      let best = post.tags[0] ?? '';
      let bestScore = -Infinity;
      for (const tag of post.tags) {
        const taste = model.tagTaste(tag);
        const score =
          (taste?.positive.valueAt(now) ?? 0) + (model.followedTags.has(tag.toLowerCase()) ? 1.5 : 0);
        if (score > bestScore) [best, bestScore] = [tag, score];
      }
      const followed = model.followedTags.has(best.toLowerCase());
      return [followed ? `You follow #${best}` : `You like posts about #${best}`, { feature, tag: best }];
    }
    case 'content': {
      const profile = model.interests[interest];
      const past = (profile && KIND_PAST[topKey(profile.kinds) ?? 'favourite']) ?? 'favourited';
      const tag = profile ? topKey(profile.tags) : null;
      return [tag ? `Like posts you ${past} about #${tag}` : `Like posts you ${past}`, { feature, interest }];
    }
    case 'engagement':
      return [`Popular for its age: ${post.favourites} favourites, ${post.reblogs} boosts`, { feature }];
    case 'recency':
      return [`New: ${ageText(now - post.enteredAt)}`, { feature }];
    case 'social': {
      const everyone = model.follows.size === 0;
      const n = post.boosterIds.filter((id) => everyone || model.follows.has(id)).length;
      return [n === 1 ? 'Boosted by someone you follow' : `Boosted by ${n} people you follow`, { feature }];
    }
    case 'conversation':
      return [post.mentionsMe ? 'Mentions you' : 'In a conversation you took part in', { feature }];
    case 'quiet':
      return [`@${post.authorAcct} posts rarely`, { feature }];
    case 'language':
      return ['In a language you read', { feature }];
    case 'seen':
      return ['You have seen it before', { feature }];
    case 'collaborative':
      return ['Readers with tastes like yours liked it', { feature }];
  }
}

/** Recency and language are true of most posts: they explain a post only when nothing else does. */
const BACKGROUND: ReadonlySet<Feature> = new Set(['recency', 'language']);

export function explain(
  post: Candidate,
  features: Float32Array,
  offset: number,
  weights: Float32Array,
  bias: number,
  model: PersonModel,
  interest: number,
  now: number,
): Explanation {
  const contributions = {} as Record<Feature, number>;
  let score = bias;
  let best: Feature | null = null;
  let bestValue = 0.05;
  for (let i = 0; i < FEATURE_COUNT; i++) {
    const feature = FEATURES[i]!;
    const value = weights[i]! * features[offset + i]!;
    contributions[feature] = Math.round(value * 1000) / 1000;
    score += value;
    if (!BACKGROUND.has(feature) && value > bestValue) [best, bestValue] = [feature, value];
  }
  // The language only when it is what lifts the post; otherwise how new it is.
  const language = weights[F.language]! * features[offset + F.language]!;
  const recency = weights[F.recency]! * features[offset + F.recency]!;
  const chosen: Feature = best ?? (language > 0.05 && language > recency ? 'language' : 'recency');
  const [reason, subject] = sentence(chosen, post, model, interest, now);
  return { score, contributions, reason, subject };
}
