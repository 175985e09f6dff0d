/**
 * A synthetic dataset in the evaluation's format, from a model of people rather than of rankers:
 * authors write about a few topics in one language, at their own pace, with their own appeal;
 * readers follow authors they share topics and languages with, have favourite authors, open the app
 * a few times a day and read their chronological timeline from the top until their attention runs
 * out, acting on what they like. What they like depends on the author, the topic, the language, the
 * post's appeal, mentions and threads, and their interests drift. Counts are read when a post first
 * enters a timeline, as a client would.
 */
import { Rng } from '../bench/generate';
import type { EventType } from './dataset';

const DAY = 24 * 3600 * 1000;
const HOUR = 3600 * 1000;
const START = Date.UTC(2026, 9, 1);

export interface GenerateOptions {
  seed: number;
  users: number;
  authors: number;
  days: number;
  trainDays: number;
  topics: number;
}

export const DEFAULT_GENERATE: Omit<GenerateOptions, 'seed'> = {
  users: 120,
  authors: 1000,
  days: 21,
  trainDays: 14,
  topics: 20,
};

const LANGUAGES: readonly (readonly [string, number])[] = [
  ['en', 72],
  ['de', 12],
  ['fr', 8],
  ['es', 8],
];
const FUNCTION_WORDS: Record<string, string[]> = {
  en: 'the a and of to in is it that for on with this was just my so but have not really'.split(' '),
  de: 'der die das und ist nicht mit auf für ein eine ich es sehr auch noch heute wie'.split(' '),
  fr: 'le la les et est pas avec pour un une je il très aussi encore aujourd hui comme sur'.split(' '),
  es: 'el la los y es no con para un una yo muy también todavía hoy como en que por'.split(' '),
};
const SUFFIX: Record<string, string> = { en: '', de: 'ung', fr: 'ique', es: 'ado' };
const SYLLABLES =
  'ka ro mi ten lu sa ver do ne ar bel quo fi zan tor el pra gu les min ho cre dal vin sto ra ly mar po sen ti gar nu bri cal'.split(
    ' ',
  );

interface Topic {
  words: string[];
  tags: string[];
}
interface Author {
  index: number;
  acct: string;
  id: string;
  language: string;
  topics: [number, number][];
  perDay: number;
  followers: number;
  appeal: number;
  bot: boolean;
  json: Record<string, unknown>;
}
interface Post {
  id: string;
  author: Author;
  topic: number;
  at: number;
  appeal: number;
  tags: string[];
  mentions: Author[];
  mentionsUser: number | null;
  replyTo: Post | null;
  text: string;
  boosts: { by: Author; at: number }[];
}

export interface GeneratedFiles {
  statuses: string[];
  users: string[];
  timeline: string[];
  events: string[];
  split: string;
}

function word(rng: Rng): string {
  let w = '';
  for (let i = rng.range(2, 3); i > 0; i--) w += rng.pick(SYLLABLES);
  return w;
}

function mixture(rng: Rng, topics: number, count: number): [number, number][] {
  const chosen = new Map<number, number>();
  while (chosen.size < count) chosen.set(rng.int(topics), 0.2 + rng.next());
  const total = [...chosen.values()].reduce((a, b) => a + b, 0);
  return [...chosen].map(([t, w]) => [t, w / total]);
}

function pickTopic(rng: Rng, topics: [number, number][]): number {
  return rng.weighted(topics);
}

export function generateDataset(options: GenerateOptions): GeneratedFiles {
  const rng = new Rng(options.seed);
  const topics: Topic[] = Array.from({ length: options.topics }, () => ({
    words: Array.from({ length: 40 }, () => word(rng)),
    tags: Array.from({ length: 3 }, () => word(rng)),
  }));

  const authors: Author[] = Array.from({ length: options.authors }, (_, index) => {
    const language = rng.weighted(LANGUAGES);
    const acct = `${word(rng)}${index}@${rng.pick(['social.example', 'fosstodon.example', 'chaos.example', 'mstdn.example'])}`;
    const bot = rng.chance(0.03);
    const followers = Math.round(rng.logNormal(150, 1.5));
    const id = String(100000 + index);
    return {
      index,
      acct,
      id,
      language,
      topics: mixture(rng, options.topics, rng.range(1, 3)),
      perDay: Math.min(40, Math.max(0.05, rng.logNormal(1.2, 1.1))),
      followers,
      appeal: rng.logNormal(1, 0.5),
      bot,
      json: {
        id,
        username: acct.split('@')[0],
        acct,
        url: `https://${acct.split('@')[1]}/@${acct.split('@')[0]}`,
        display_name: acct.split('@')[0],
        note: rng.chance(0.03) ? '<p>#nobot please</p>' : '<p>Hello</p>',
        avatar: 'https://files.example/avatar.png',
        locked: false,
        bot,
        created_at: new Date(START - 400 * DAY).toISOString(),
        followers_count: followers,
        following_count: rng.range(10, 500),
        statuses_count: rng.range(10, 20000),
        last_status_at: null,
        fields: [],
        emojis: [],
      },
    };
  });

  // Readers: languages, interests, follows, favourite authors, habits.
  const users = Array.from({ length: options.users }, (_, index) => {
    const language = rng.weighted(LANGUAGES);
    const languages = new Set([language]);
    if (rng.chance(0.25)) languages.add(rng.weighted(LANGUAGES));
    const interests = new Map(mixture(rng, options.topics, rng.range(2, 4)));
    const scored = authors.map((a) => {
      const overlap = a.topics.reduce((s, [t, w]) => s + w * (interests.get(t) ?? 0), 0);
      const lang = languages.has(a.language) ? 1 : 0.05;
      return [a, (overlap + 0.05) * lang * Math.pow(a.followers + 10, 0.25) * rng.next()] as const;
    });
    scored.sort((x, y) => y[1] - x[1]);
    const follows = scored.slice(0, rng.range(40, 160)).map(([a]) => a);
    const affinity = new Map<Author, number>();
    for (const a of follows) affinity.set(a, 0.7 * rng.normal());
    for (let i = rng.range(3, 8); i > 0; i--) affinity.set(rng.pick(follows), rng.range(20, 35) / 10);
    const followedTags = [...interests.keys()].filter(() => rng.chance(0.3)).map((t) => topics[t]!.tags[0]!);
    return {
      acct: `reader${index}@corgi.example`,
      languages,
      interests,
      follows,
      followSet: new Set(follows),
      affinity,
      followedTags,
      sessions: rng.range(2, 7),
      offsetHours: rng.range(0, 23),
      attention: rng.range(30, 150),
      base: -3.6 + 0.5 * rng.normal(),
      kinds: [
        ['favourite', 6 + rng.range(0, 4)],
        ['reblog', 1 + rng.range(0, 3)],
        ['reply', 1 + rng.range(0, 2)],
        ['bookmark', rng.range(0, 2)],
      ] as [EventType, number][],
      recordsSeen: rng.chance(0.8),
      drift: rng.chance(0.3)
        ? { at: START + rng.range(5, options.days - 3) * DAY, topic: rng.int(options.topics) }
        : null,
    };
  });

  // Posts, replies, mentions and boosts over the whole period.
  const posts: Post[] = [];
  let nextId = 1_000_000;
  for (const author of authors) {
    for (let day = -1; day < options.days; day++) {
      const count = Math.floor(author.perDay + rng.next());
      for (let i = 0; i < count; i++) {
        // Daytime-heavy posting in the author's own rhythm.
        const hour = (rng.normal() * 4 + 14 + (author.index % 7)) % 24;
        const at = START + day * DAY + Math.abs(hour) * HOUR;
        const topic = pickTopic(rng, author.topics);
        const t = topics[topic]!;
        const length = rng.range(8, 40);
        const words: string[] = [];
        for (let w = 0; w < length; w++) {
          const topical = rng.chance(0.35);
          const base = topical ? rng.pick(t.words) : rng.pick(FUNCTION_WORDS[author.language]!);
          words.push(topical && rng.chance(0.5) ? base + SUFFIX[author.language] : base);
        }
        const tags = rng.chance(0.4) ? [rng.pick(t.tags)] : [];
        const recent =
          posts.length > 0 && rng.chance(0.15)
            ? posts[posts.length - 1 - rng.int(Math.min(200, posts.length))]!
            : null;
        const replyTo = recent && recent.author !== author && recent.at < at ? recent : null;
        const mentions = replyTo ? [replyTo.author] : rng.chance(0.08) ? [rng.pick(authors)] : [];
        const mentionsUser = rng.chance(0.01) ? rng.int(options.users) : null;
        posts.push({
          id: String(nextId++),
          author,
          topic,
          at,
          appeal: author.appeal * rng.logNormal(1, 0.6),
          tags,
          mentions,
          mentionsUser,
          replyTo,
          text: words.join(' '),
          boosts: [],
        });
      }
    }
  }
  posts.sort((a, b) => a.at - b.at);
  const byTopic = new Map<number, Author[]>();
  for (const a of authors) for (const [t] of a.topics) (byTopic.get(t) ?? byTopic.set(t, []).get(t)!).push(a);
  for (const post of posts) {
    const boosts = Math.floor(
      rng.logNormal(0.15, 1.2) * post.appeal * Math.pow(post.author.followers + 10, 0.2),
    );
    const pool = byTopic.get(post.topic)!;
    for (let i = 0; i < Math.min(boosts, 6); i++) {
      const by = rng.pick(pool);
      if (by !== post.author && !post.boosts.some((b) => b.by === by))
        post.boosts.push({ by, at: post.at + rng.logNormal(2, 1) * HOUR });
    }
  }

  const statusLines: string[] = [];
  const statusJson = new Map<string, Record<string, unknown>>();
  const mentionJson = (a: Author): Record<string, unknown> => ({
    id: a.id,
    username: a.acct.split('@')[0],
    acct: a.acct,
    url: a.json.url,
  });
  const fetchedAt = (post: Post): number => post.at + rng.logNormal(0.3, 1) * HOUR;
  const innerJson = (post: Post): Record<string, unknown> => {
    let json = statusJson.get(post.id);
    if (json) return json;
    const age = (fetchedAt(post) - post.at) / HOUR;
    const expected = post.appeal * (post.author.followers + 20) * 0.01 * (1 - Math.exp(-age / 4) + 0.05);
    const favourites = Math.round(expected * rng.logNormal(1, 0.7));
    const mentions = post.mentions.map(mentionJson);
    if (post.mentionsUser !== null) {
      const acct = `reader${post.mentionsUser}@corgi.example`;
      mentions.push({
        id: String(9000000 + post.mentionsUser),
        username: `reader${post.mentionsUser}`,
        acct,
        url: `https://corgi.example/@reader${post.mentionsUser}`,
      });
    }
    json = {
      id: post.id,
      uri: `https://${post.author.acct.split('@')[1]}/statuses/${post.id}`,
      url: null,
      created_at: new Date(post.at).toISOString(),
      account: post.author.json,
      content: `<p>${post.text}${post.tags.map((t) => ` <a href="#" class="hashtag">#${t}</a>`).join('')}</p>`,
      visibility: 'public',
      sensitive: false,
      spoiler_text: '',
      media_attachments: [],
      mentions,
      tags: post.tags.map((name) => ({ name, url: `https://social.example/tags/${name}` })),
      emojis: [],
      reblogs_count: Math.round(favourites * 0.3 * rng.next()),
      favourites_count: favourites,
      replies_count: Math.round(favourites * 0.15 * rng.next()),
      in_reply_to_id: post.replyTo?.id ?? null,
      in_reply_to_account_id: post.replyTo?.author.id ?? null,
      language: post.author.language,
    };
    statusJson.set(post.id, json);
    statusLines.push(JSON.stringify(json));
    return json;
  };

  const userLines: string[] = [];
  const timelineLines: string[] = [];
  const eventLines: string[] = [];
  const end = START + options.days * DAY;
  const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

  users.forEach((user, u) => {
    userLines.push(
      JSON.stringify({
        user: user.acct,
        follows: user.follows.map((a) => a.acct),
        followed_tags: user.followedTags,
      }),
    );
    // The home timeline: posts of followed authors (replies only between followed people), boosts.
    type Entry = { post: Post; at: number; id: string; booster: Author | null };
    const home: Entry[] = [];
    for (const post of posts) {
      if (
        post.at >= START &&
        post.at < end &&
        user.followSet.has(post.author) &&
        (!post.replyTo || user.followSet.has(post.replyTo.author))
      ) {
        home.push({ post, at: post.at, id: post.id, booster: null });
      }
      for (const boost of post.boosts) {
        if (
          boost.at >= START &&
          boost.at < end &&
          user.followSet.has(boost.by) &&
          !user.followSet.has(post.author)
        ) {
          home.push({ post, at: boost.at, id: `${post.id}b${boost.by.index}`, booster: boost.by });
        }
      }
    }
    home.sort((a, b) => a.at - b.at);
    for (const entry of home) {
      const inner = innerJson(entry.post);
      if (entry.booster && !statusJson.has(entry.id)) {
        const wrapper = {
          ...inner,
          id: entry.id,
          uri: `${inner.uri as string}/boost/${entry.booster.index}`,
          created_at: new Date(entry.at).toISOString(),
          account: entry.booster.json,
          content: '',
          mentions: [],
          tags: [],
          reblog: inner,
        };
        statusJson.set(entry.id, wrapper);
        statusLines.push(JSON.stringify(wrapper));
      }
      timelineLines.push(
        JSON.stringify({ user: user.acct, status_id: entry.id, at: new Date(entry.at).toISOString() }),
      );
    }

    // Sessions: read from the newest entry down to the last session, as far as attention goes.
    const seen = new Set<string>();
    const threads = new Set<string>();
    const acted = new Set<string>();
    let lastSession = START;
    let cursor = 0;
    for (let day = 0; day < options.days; day++) {
      const times = Array.from(
        { length: user.sessions },
        () => START + day * DAY + ((((rng.normal() * 5 + 12 + user.offsetHours) % 24) + 24) % 24) * HOUR,
      ).sort((a, b) => a - b);
      for (const session of times) {
        while (cursor < home.length && home[cursor]!.at <= session) cursor++;
        let read = 0;
        for (
          let i = cursor - 1;
          i >= 0 && home[i]!.at > lastSession - 2 * HOUR && read < user.attention;
          i--
        ) {
          const entry = home[i]!;
          const post = entry.post;
          if (seen.has(post.id)) continue;
          seen.add(post.id);
          read++;
          const at = session + read * 8000;
          if (user.recordsSeen)
            eventLines.push(
              JSON.stringify({
                user: user.acct,
                status_id: entry.id,
                type: 'seen',
                at: new Date(at).toISOString(),
              }),
            );
          const interest =
            (user.drift && at > user.drift.at && post.topic === user.drift.topic ? 0.8 : 0) +
            (user.interests.get(post.topic) ?? 0);
          const z =
            user.base +
            (user.affinity.get(post.author) ?? -0.3) +
            3 * interest +
            0.6 * Math.log(post.appeal) +
            (user.languages.has(post.author.language) ? 0 : -3) +
            (post.mentionsUser === u ? 3 : 0) +
            (post.replyTo && threads.has(post.replyTo.id) ? 1.5 : 0) +
            (entry.booster && (user.affinity.get(entry.booster) ?? 0) > 1.5 ? 0.5 : 0) +
            (post.tags.some((t) => user.followedTags.includes(t)) ? 0.4 : 0) -
            (post.author.bot ? 0.5 : 0);
          const p = sigmoid(z);
          if (rng.chance(p) && !acted.has(post.id)) {
            acted.add(post.id);
            const type = rng.weighted(user.kinds);
            if (rng.chance(0.3))
              eventLines.push(
                JSON.stringify({
                  user: user.acct,
                  status_id: post.id,
                  type: 'open',
                  at: new Date(at + 1000).toISOString(),
                }),
              );
            eventLines.push(
              JSON.stringify({
                user: user.acct,
                status_id: post.id,
                type,
                at: new Date(at + 3000).toISOString(),
              }),
            );
            if (type === 'reply') threads.add(post.id);
            if (rng.chance(0.05))
              eventLines.push(
                JSON.stringify({
                  user: user.acct,
                  status_id: post.id,
                  type: 'more_like_this',
                  at: new Date(at + 4000).toISOString(),
                }),
              );
          } else if (p < 0.01 && rng.chance(0.01)) {
            eventLines.push(
              JSON.stringify({
                user: user.acct,
                status_id: entry.id,
                type: 'less_like_this',
                at: new Date(at + 2000).toISOString(),
              }),
            );
          }
          if (rng.chance(0.1)) {
            const dwell = Math.round(rng.logNormal(2000, 0.8) * (1 + 4 * p));
            eventLines.push(
              JSON.stringify({
                user: user.acct,
                status_id: entry.id,
                type: 'dwell',
                at: new Date(at + 5000).toISOString(),
                dwell_ms: dwell,
              }),
            );
          }
        }
        lastSession = session;
      }
    }
  });

  return {
    statuses: statusLines,
    users: userLines,
    timeline: timelineLines,
    events: eventLines,
    split: JSON.stringify({ train_until: new Date(START + options.trainDays * DAY).toISOString() }),
  };
}
