/**
 * The offline evaluation: replays each person's timeline and events day by day. At the start `t` of
 * every day after `train_until`, the candidates are the posts that entered their home timeline in
 * the 24 hours before `t` and that they had not acted on; every ranker sees only events before `t`;
 * a candidate is relevant if they favourite, boost, reply to or bookmark it at or after `t`.
 * Corgi's ranker learns as it would in the app: after each day, from which of that day's ranked
 * candidates were acted on.
 */
import type { MastodonStatus } from '../src-shared/mastodon/entities';
import { DocumentFrequencies, HashedNgramEmbedder, type EmbedInput } from '../src-worker/rank/embedder';
import { FEATURE_COUNT, type Candidate } from '../src-worker/rank/features';
import { PersonModel, type FeedbackKind, type PostRef } from '../src-worker/rank/person-model';
import { rankCandidates } from '../src-worker/rank/ranker';
import { VectorIndex } from '../src-worker/rank/vector-index';
import {
  defaultSettings,
  LEARNING_MEMORY,
  learnFromFeedback,
  LONG_DWELL_MS,
  type Example,
  type RankingSettings,
} from '../src-worker/rank/weights';
import { ACTS, type Dataset, type EventLine, type TimelineLine } from './dataset';
import { addQuery, emptySums, means, type MetricSums } from './metrics';
import { PeerHistory, rankChronological, rankDigest, rankFedialgo, rankOriginalCorgi } from './peers';

const DAY = 24 * 3600 * 1000;
export const PEERS = ['chronological', 'mastodon_digest', 'corgi_original', 'fedialgo'] as const;
export const ABLATIONS = ['ours_without_learning', 'ours_without_diversity'] as const;

interface Post {
  key: string;
  num: number;
  status: MastodonStatus;
  authorId: number;
  ref: PostRef;
  slot: number;
  /** First time it entered anyone's timeline: when its counts were read. */
  fetchedAt: number;
}

export interface EvalResult {
  rankers: Record<string, { ndcg20: number; recall50: number; mrr: number }>;
  ablations: Record<string, { ndcg20: number; recall50: number; mrr: number }>;
  ours_vs_chronological: number;
  ours_vs_best_peer: number;
  best_peer: string;
  queries: number;
  users: number;
}

export interface DumpLine {
  user: string;
  day: string;
  relevant: string[];
  rankers: Record<string, string[]>;
}

function embedInput(status: MastodonStatus): EmbedInput {
  const text = `${status.spoiler_text} ${status.content.replace(/<[^>]*>/g, ' ')}`;
  return {
    text,
    tags: status.tags.map((t) => t.name),
    mentions: status.mentions.map((m) => m.acct),
    links: status.card?.url ? [status.card.url] : [],
    language: status.language ?? null,
  };
}

export function evaluate(data: Dataset, dump?: (line: DumpLine) => void): EvalResult {
  const authorIds = new Map<string, number>();
  const authorId = (acct: string): number => {
    const key = acct.toLowerCase();
    let id = authorIds.get(key);
    if (id === undefined) authorIds.set(key, (id = authorIds.size + 1));
    return id;
  };
  const inner = (id: string): MastodonStatus => {
    const status = data.statuses.get(id)!;
    return (status.reblog as MastodonStatus | null | undefined) ?? status;
  };

  // The local corpus the IDF is learned from: what entered a timeline before the evaluation period.
  const firstSeen = new Map<string, number>();
  for (const line of data.timeline) {
    const key = inner(line.status_id).id;
    if (!firstSeen.has(key)) firstSeen.set(key, line.at);
  }
  const frequencies = new DocumentFrequencies();
  for (const [key, at] of firstSeen) if (at < data.trainUntil) frequencies.observe(embedInput(inner(key)));
  const embedder = new HashedNgramEmbedder(frequencies);
  const index = new VectorIndex();

  const posts = new Map<string, Post>();
  const post = (id: string): Post => {
    const status = inner(id);
    let found = posts.get(status.id);
    if (!found) {
      const num = posts.size + 1;
      const vector = embedder.embed(embedInput(status));
      const slot = index.set(num, vector);
      found = {
        key: status.id,
        num,
        status,
        authorId: authorId(status.account.acct),
        slot,
        fetchedAt: firstSeen.get(status.id) ?? Date.parse(status.created_at),
        ref: {
          id: num,
          authorId: authorId(status.account.acct),
          tags: status.tags.map((t) => t.name),
          language: status.language ?? null,
          inReplyToId: null,
          vector: index.vector(slot),
        },
      };
      posts.set(status.id, found);
      const parent = status.in_reply_to_id ? posts.get(status.in_reply_to_id) : undefined;
      if (parent) found.ref.inReplyToId = parent.num;
    }
    return found;
  };
  for (const id of data.statuses.keys()) post(id);
  // Replies whose parent was listed after them.
  for (const p of posts.values()) {
    if (p.ref.inReplyToId === null && p.status.in_reply_to_id)
      p.ref.inReplyToId = posts.get(p.status.in_reply_to_id)?.num ?? null;
  }

  const timelineByUser = groupBy(data.timeline);
  const eventsByUser = groupBy(data.events);
  const sums: Record<string, MetricSums> = {};
  for (const name of [...PEERS, 'ours', ...ABLATIONS]) sums[name] = emptySums();
  let users = 0;

  for (const user of data.users) {
    const entries = timelineByUser.get(user.user) ?? [];
    const events = eventsByUser.get(user.user) ?? [];
    if (entries.length === 0) continue;
    users++;
    const me = user.user.toLowerCase();
    const model = new PersonModel();
    for (const acct of user.follows) model.follows.add(authorId(acct));
    for (const tag of user.followed_tags) model.followedTags.add(tag.toLowerCase());
    const history = new PeerHistory();
    let settings: RankingSettings = defaultSettings();
    const staticSettings = { ...defaultSettings(), learning: false };

    // When each post first entered this person's timeline.
    const enteredAt = new Map<string, number>();
    for (const line of entries) {
      const key = post(line.status_id).key;
      if (!enteredAt.has(key)) enteredAt.set(key, line.at);
    }
    const firstAct = new Map<string, number>();
    // What the app learns from as positives: acts, opens, long reads and "more like this".
    const positiveTimes = new Map<string, number[]>();
    const seenTimes = new Map<string, number[]>();
    for (const event of events) {
      const key = post(event.status_id).key;
      if (event.type === 'seen') {
        const times = seenTimes.get(key);
        if (times) times.push(event.at);
        else seenTimes.set(key, [event.at]);
      }
      if (ACTS.has(event.type) && !firstAct.has(key)) firstAct.set(key, event.at);
      if (LEARNED_POSITIVE(event)) {
        const times = positiveTimes.get(key);
        if (times) times.push(event.at);
        else positiveTimes.set(key, [event.at]);
      }
    }

    const first = Math.min(entries[0]!.at, events[0]?.at ?? Infinity);
    const last = Math.max(entries[entries.length - 1]!.at, events[events.length - 1]?.at ?? -Infinity);
    let nextEntry = 0;
    let nextEvent = 0;
    let windowStart = 0;
    let pending: {
      keys: string[];
      features: Float32Array;
      t: number;
      later: { keys: string[]; features: Float32Array } | null;
    } | null = null;
    // The examples the app keeps: each day's ranking, learned from for LEARNING_MEMORY.
    const kept: { t: number; examples: Example[] }[] = [];

    for (let t = (Math.floor(first / DAY) + 1) * DAY; t <= last + DAY; t += DAY) {
      // Everything before t, in time order.
      while (nextEntry < entries.length || nextEvent < events.length) {
        const entry = entries[nextEntry];
        const event = events[nextEvent];
        const entryFirst = entry && (!event || entry.at <= event.at);
        const at = entryFirst ? entry!.at : event!.at;
        if (at >= t) break;
        if (entryFirst) {
          const p = post(entry!.status_id);
          model.observeShown(p.authorId, at, p.ref.vector, p.ref.tags, p.ref.language);
          if (p.status.account.acct.toLowerCase() === me) model.threads.add(p.num);
          if (p.status.mentions.some((m) => m.acct.toLowerCase() === me)) history.recordMention(p.authorId);
          nextEntry++;
        } else {
          const p = post(event!.status_id);
          applyEvent(event!, p, model, history, enteredAt.get(p.key));
          nextEvent++;
        }
      }

      if (pending) {
        const within = (times: number[] | undefined): boolean =>
          (times ?? []).some((at) => at >= pending!.t && at < pending!.t + DAY);
        const examples: Example[] = pending.keys.map((key, c) => ({
          features: pending!.features,
          offset: c * FEATURE_COUNT,
          positive: within(positiveTimes.get(key)),
          viewed: within(seenTimes.get(key)),
        }));
        // The posts shown during the day that the person looked at, as they were ranked.
        const later = pending.later;
        if (later)
          later.keys.forEach((key, c) => {
            if (within(seenTimes.get(key)))
              examples.push({
                features: later.features,
                offset: c * FEATURE_COUNT,
                positive: within(positiveTimes.get(key)),
                viewed: true,
              });
          });
        kept.push({ t: pending.t, examples });
        while (kept[0]!.t < t - LEARNING_MEMORY) kept.shift();
        settings = learnFromFeedback(
          settings,
          kept.flatMap((day) => day.examples),
        );
        pending = null;
      }

      // Candidates: entered in the 24 hours before t, not acted on before t.
      while (windowStart < entries.length && entries[windowStart]!.at < t - DAY) windowStart++;
      const entered = (from: number, to: number): Map<string, Candidate> => {
        const byKey = new Map<string, Candidate>();
        for (let i = from; i < entries.length && entries[i]!.at < to; i++) {
          const line = entries[i]!;
          const p = post(line.status_id);
          const acted = firstAct.get(p.key);
          if (acted !== undefined && acted < t) continue;
          const wrapper = data.statuses.get(line.status_id)!;
          const booster = wrapper.reblog ? authorId(wrapper.account.acct) : null;
          const existing = byKey.get(p.key);
          if (existing) {
            existing.enteredAt = Math.max(existing.enteredAt, line.at);
            if (booster !== null && !existing.boosterIds.includes(booster))
              (existing.boosterIds as number[]).push(booster);
            continue;
          }
          byKey.set(p.key, candidateOf(p, line, booster, me));
        }
        return byKey;
      };
      const byKey = entered(windowStart, t);
      if (byKey.size === 0) continue;
      const keys = [...byKey.keys()];
      const candidates = [...byKey.values()];
      const ranking = rankCandidates(model, candidates, index, settings, t);
      // The posts that come in during the day are ranked as they arrive in the app, by what the
      // model knows before the person sees them: here, by the model at t.
      const laterByKey = entered(nextEntry, t + DAY);
      for (const key of keys) laterByKey.delete(key);
      const laterKeys = [...laterByKey.keys()];
      const later =
        laterKeys.length === 0
          ? null
          : {
              keys: laterKeys,
              features: rankCandidates(model, [...laterByKey.values()], index, settings, t, {
                diversity: false,
              }).features,
            };
      pending = { keys, features: ranking.features, t, later };

      if (t < data.trainUntil) continue;
      const relevant = new Set(keys.filter((key) => (firstAct.get(key) ?? -1) >= t));
      if (relevant.size === 0) continue;
      const ids = (order: number[]): string[] => order.map((c) => keys[c]!);
      const orders: Record<string, string[]> = {
        chronological: ids(rankChronological(candidates)),
        mastodon_digest: ids(rankDigest(candidates)),
        corgi_original: ids(rankOriginalCorgi(candidates, history, t)),
        fedialgo: ids(rankFedialgo(candidates, history, t)),
        ours: ids(ranking.order),
        ours_without_learning: ids(rankCandidates(model, candidates, index, staticSettings, t).order),
        ours_without_diversity: ids(
          rankCandidates(model, candidates, index, settings, t, { diversity: false }).order,
        ),
      };
      for (const [name, order] of Object.entries(orders)) addQuery(sums[name]!, order, relevant);
      dump?.({ user: user.user, day: new Date(t).toISOString(), relevant: [...relevant], rankers: orders });
    }
  }

  const rankers = Object.fromEntries([...PEERS, 'ours'].map((name) => [name, means(sums[name]!)]));
  const ablations = Object.fromEntries(ABLATIONS.map((name) => [name, means(sums[name]!)]));
  const ours = rankers.ours!.ndcg20;
  let bestPeer: string = PEERS[0];
  for (const name of PEERS) if (rankers[name]!.ndcg20 > rankers[bestPeer]!.ndcg20) bestPeer = name;
  const ratio = (x: number): number => (x === 0 ? 0 : Math.round((ours / x) * 1000) / 1000);
  return {
    rankers,
    ablations,
    ours_vs_chronological: ratio(rankers.chronological!.ndcg20),
    ours_vs_best_peer: ratio(rankers[bestPeer]!.ndcg20),
    best_peer: bestPeer,
    queries: sums.ours!.queries,
    users,
  };
}

function candidateOf(p: Post, line: TimelineLine, booster: number | null, me: string): Candidate {
  const status = p.status;
  return {
    id: p.num,
    authorId: p.authorId,
    authorAcct: status.account.acct,
    createdAt: Date.parse(status.created_at),
    enteredAt: line.at,
    language: status.language ?? null,
    tags: p.ref.tags,
    favourites: status.favourites_count,
    reblogs: status.reblogs_count,
    replies: status.replies_count,
    countsAt: p.fetchedAt,
    authorFollowers: status.account.followers_count,
    boosterIds: booster === null ? [] : [booster],
    mentionsMe: status.mentions.some((m) => m.acct.toLowerCase() === me),
    inThread: false,
    inReplyToId: p.ref.inReplyToId,
    source: 'home',
    vectorSlot: p.slot,
    collaborative: 0,
  };
}

/** The feedback the app learns its weights from as positives (see learnFromDayOld). */
function LEARNED_POSITIVE(event: EventLine): boolean {
  if (event.type === 'dwell') return (event.dwell_ms ?? 0) >= LONG_DWELL_MS;
  return ACTS.has(event.type) || event.type === 'open' || event.type === 'more_like_this';
}

const FEEDBACK: Partial<Record<EventLine['type'], FeedbackKind>> = {
  favourite: 'favourite',
  reblog: 'boost',
  reply: 'reply',
  bookmark: 'bookmark',
  open: 'open',
  dwell: 'dwell',
  more_like_this: 'more_like_this',
  less_like_this: 'less_like_this',
};

function applyEvent(
  event: EventLine,
  p: Post,
  model: PersonModel,
  history: PeerHistory,
  enteredAt: number | undefined,
): void {
  history.record(event.type, p.authorId, event.at);
  if (event.type === 'seen') model.observeSeen(p.num, event.at, p.authorId, p.ref.tags, p.ref.language);
  const kind = FEEDBACK[event.type];
  if (kind) model.observeFeedback(kind, p.ref, event.at, event.dwell_ms ?? 1, enteredAt);
}

function groupBy<T extends { user: string }>(lines: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const line of lines) {
    let group = groups.get(line.user);
    if (!group) groups.set(line.user, (group = []));
    group.push(line);
  }
  return groups;
}
