import type { RankingFeature, RankingPreset } from '../../../src-shared/worker-api';

export const PRESET_LABELS: Record<RankingPreset, string> = {
  balanced: 'Balanced',
  chronological: 'Chronological',
  friends: 'Friends',
  discussions: 'Discussions',
  discover: 'Discover',
  quiet: 'Quiet voices',
};

export const FEATURE_LABELS: Record<RankingFeature, string> = {
  author: 'People you engage with',
  tags: 'Hashtags you like and follow',
  content: 'Like what you engaged with',
  engagement: 'Popular for its age and audience',
  recency: 'Newer',
  social: 'Boosted by people you follow',
  conversation: 'Mentions and your conversations',
  quiet: 'People who post rarely',
  language: 'Languages you read',
  seen: 'Already seen',
  collaborative: 'Liked by readers like you',
};
