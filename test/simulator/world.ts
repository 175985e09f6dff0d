/**
 * A seeded fediverse for the Mastodon simulator: thousands of accounts on several instances, a
 * follow graph, and days of posts with threads, boosts, quotes, mentions, hashtags, links, content
 * warnings, media with and without alt text, polls, bots and `#nobot` bios (the post text comes
 * from the benchmark's status generator). People who can sign in are "users": each has a home feed,
 * favourites and bookmarks whose cursors are not status ids, notifications, lists, followed tags,
 * filters and markers.
 *
 * The world is plain data that the server renders per request and per viewer; tests change it
 * through the same methods the server uses (publish, favourite, …).
 */
import { Rng, StatusGenerator, type Author } from '../../bench/generate';
import type { Clock } from '../../src-worker/mastodon/clock';
import type { WorldEvent } from './server';

type Json = Record<string, unknown>;

/** Mastodon's ids: milliseconds in the high bits, a sequence in the low 16, as a decimal string. */
export function snowflake(ms: number, seq: number): string {
  return ((BigInt(Math.floor(ms)) << 16n) | BigInt(seq & 0xffff)).toString();
}

export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Inserts an id into a list kept newest first. */
export function insertNewestFirst(ids: string[], id: string): void {
  if (ids.length === 0 || compareIds(ids[0]!, id) < 0) {
    ids.unshift(id);
    return;
  }
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareIds(ids[mid]!, id) > 0) lo = mid + 1;
    else hi = mid;
  }
  if (ids[lo] !== id) ids.splice(lo, 0, id);
}

export interface SimAccount {
  id: string;
  username: string;
  domain: string;
  /** The account as Mastodon renders it; `acct` is rewritten per serving instance. */
  json: Json;
}

export interface SimStatus {
  id: string;
  accountId: string;
  createdMs: number;
  /** The inner status JSON without viewer-specific flags; for a boost, the wrapper's own fields. */
  json: Json;
  reblogOf: string | null;
  quoteOf: string | null;
  inReplyTo: string | null;
  tags: string[];
  deleted: boolean;
  /** Set in tests that change its JSON into something Mastodon would not send: served unchecked. */
  malformed: boolean;
}

export interface SimNotification {
  id: string;
  type: 'mention' | 'favourite' | 'reblog' | 'follow' | 'status';
  accountId: string;
  statusId: string | null;
  createdMs: number;
}

export interface SimFilter {
  id: string;
  title: string;
  context: string[];
  action: 'warn' | 'hide' | 'blur';
  keywords: string[];
  expiresMs: number | null;
}

export interface SimUser {
  accountId: string;
  password: string;
  follows: Set<string>;
  followedTags: string[];
  lists: { id: string; title: string; members: Set<string> }[];
  /** Entry ids (statuses and boost wrappers), newest first, capped like Mastodon's feed cache. */
  home: string[];
  /** Favourite records, newest first: `id` is the record's own id (the paging cursor). */
  favourites: { id: string; statusId: string }[];
  bookmarks: { id: string; statusId: string }[];
  notifications: SimNotification[];
  markers: Map<string, { lastReadId: string; version: number; updatedMs: number }>;
  filters: SimFilter[];
  mutes: Set<string>;
  blocks: Set<string>;
  /** Boost wrappers this user made, by the boosted status. */
  boosts: Map<string, string>;
  favourited: Set<string>;
  bookmarked: Set<string>;
}

export interface WorldOptions {
  seed?: number;
  /** Domains of the instances the simulator serves; other accounts live on remote instances. */
  domains?: string[];
  authors?: number;
  /** Statuses in the world's history, spread over `days`. */
  statuses?: number;
  days?: number;
  /** The world's clock: new posts are stamped with its time, history ends just before it. */
  clock: Clock;
  users?: UserSpec[];
}

export interface UserSpec {
  username: string;
  password: string;
  domain?: string;
  follows?: number;
  favourites?: number;
  bookmarks?: number;
}

/** How many entries Mastodon keeps in a home feed (FeedManager::MAX_ITEMS). */
export const HOME_FEED_CAP = 800;

export class World {
  readonly accounts = new Map<string, SimAccount>();
  readonly statuses = new Map<string, SimStatus>();
  /** All status ids in ascending order (boost wrappers included). */
  readonly timeline: string[] = [];
  readonly users = new Map<string, SimUser>();
  readonly domains: string[];
  readonly generator: StatusGenerator;
  readonly clock: Clock;
  readonly #listeners = new Set<(event: WorldEvent) => void>();
  readonly #replies = new Map<string, string[]>();
  /** Poll votes by status id, then by voting account: the option indexes chosen. */
  readonly votes = new Map<string, Map<string, number[]>>();
  #seq = 0;
  #rng: Rng;
  #authors: Author[];

  constructor(options: WorldOptions) {
    const seed = options.seed ?? 1;
    this.domains = options.domains ?? ['mastodon.social', 'fosstodon.org'];
    this.clock = options.clock;
    this.generator = new StatusGenerator(seed, options.authors ?? 3000);
    this.#rng = Rng.for(seed, 0, 40);
    this.#authors = this.generator.authors;
    for (const author of this.#authors) {
      this.accounts.set(author.id, {
        id: author.id,
        username: author.username,
        domain: author.instance,
        json: author.json,
      });
    }
    for (const spec of options.users ?? []) this.addUser(spec);
    const total = options.statuses ?? 20_000;
    const days = options.days ?? 7;
    const start = this.nowMs - days * 86_400_000;
    const step = (days * 86_400_000) / total;
    for (let i = 0; i < total; i++) this.#historic(i, Math.floor(start + i * step + this.#rng.next() * step));
    for (const spec of options.users ?? []) this.#history(this.userByName(spec.username, spec.domain)!, spec);
  }

  /** Calls `listener` for every new status, deletion and notification; returns an unsubscribe. */
  subscribe(listener: (event: WorldEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: WorldEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  repliesTo(id: string): SimStatus[] {
    return (this.#replies.get(id) ?? []).map((r) => this.statuses.get(r)!).filter((s) => !s.deleted);
  }

  get nowMs(): number {
    return this.clock.now();
  }

  nextId(ms = this.nowMs): string {
    return snowflake(ms, this.#seq++);
  }

  userByName(username: string, domain = this.domains[0]!): SimUser | undefined {
    for (const user of this.users.values()) {
      const account = this.accounts.get(user.accountId)!;
      if (account.username === username && account.domain === domain) return user;
    }
    return undefined;
  }

  /** A person who can sign in, following a sample of the world's accounts weighted by activity. */
  addUser(spec: UserSpec): SimUser {
    const domain = spec.domain ?? this.domains[0]!;
    const createdMs = this.nowMs - 400 * 86_400_000;
    const id = snowflake(createdMs, this.#seq++);
    const json: Json = {
      id,
      username: spec.username,
      acct: spec.username,
      display_name: spec.username[0]!.toUpperCase() + spec.username.slice(1),
      locked: false,
      bot: false,
      discoverable: true,
      group: false,
      created_at: new Date(createdMs).toISOString(),
      note: '<p>Reading the fediverse.</p>',
      url: `https://${domain}/@${spec.username}`,
      uri: `https://${domain}/users/${spec.username}`,
      avatar: `https://${domain}/avatars/original/missing.png`,
      avatar_static: `https://${domain}/avatars/original/missing.png`,
      header: `https://${domain}/headers/original/missing.png`,
      header_static: `https://${domain}/headers/original/missing.png`,
      followers_count: 0,
      following_count: 0,
      statuses_count: 0,
      last_status_at: null,
      emojis: [],
      fields: [],
    };
    this.accounts.set(id, { id, username: spec.username, domain, json });
    const follows = new Set<string>();
    const want = Math.min(spec.follows ?? 150, this.#authors.length);
    while (follows.size < want) {
      // Popular accounts more often, but everyone is reachable.
      const index = Math.floor(this.#authors.length * this.#rng.next() ** 2);
      follows.add(this.#authors[index]!.id);
    }
    json.following_count = follows.size;
    const tags = this.generator.tags.slice(0, 40);
    const user: SimUser = {
      accountId: id,
      password: spec.password,
      follows,
      followedTags: [this.#rng.pick(tags), this.#rng.pick(tags)].map((t) => t.toLowerCase()),
      lists: [
        {
          id: String(this.users.size * 10 + 1),
          title: 'Close friends',
          members: new Set([...follows].slice(0, 12)),
        },
      ],
      home: [],
      favourites: [],
      bookmarks: [],
      notifications: [],
      markers: new Map(),
      filters: [],
      mutes: new Set(),
      blocks: new Set(),
      boosts: new Map(),
      favourited: new Set(),
      bookmarked: new Set(),
    };
    this.users.set(id, user);
    return user;
  }

  /** Whether this status shows up in the user's home feed when it is posted. */
  reachesHome(user: SimUser, status: SimStatus): boolean {
    if (status.accountId === user.accountId) return true;
    if (!user.follows.has(status.accountId)) return false;
    if (user.mutes.has(status.accountId) || user.blocks.has(status.accountId)) return false;
    if (status.reblogOf) {
      const inner = this.statuses.get(status.reblogOf);
      if (inner && (user.blocks.has(inner.accountId) || user.mutes.has(inner.accountId))) return false;
    }
    // Replies reach home only when the person replied to is followed too.
    if (status.inReplyTo) {
      const parent = this.statuses.get(status.inReplyTo);
      if (parent && parent.accountId !== user.accountId && !user.follows.has(parent.accountId)) return false;
    }
    return true;
  }

  /** Adds a status to the world (and to the home feeds it reaches); returns it. */
  add(status: SimStatus): SimStatus {
    this.statuses.set(status.id, status);
    const last = this.timeline[this.timeline.length - 1];
    if (last === undefined || compareIds(last, status.id) < 0) this.timeline.push(status.id);
    else {
      let lo = 0;
      let hi = this.timeline.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareIds(this.timeline[mid]!, status.id) < 0) lo = mid + 1;
        else hi = mid;
      }
      this.timeline.splice(lo, 0, status.id);
    }
    for (const user of this.users.values()) {
      if (!this.reachesHome(user, status)) continue;
      insertNewestFirst(user.home, status.id);
      if (user.home.length > HOME_FEED_CAP) user.home.length = HOME_FEED_CAP;
    }
    if (status.inReplyTo) {
      const siblings = this.#replies.get(status.inReplyTo) ?? [];
      siblings.push(status.id);
      this.#replies.set(status.inReplyTo, siblings);
    }
    this.#emit({ type: 'status', status });
    for (const user of this.users.values()) this.#notifyMentions(user, status);
    return status;
  }

  /** Deletes a status (and the boosts of it); deleted statuses are no longer served. */
  delete(statusId: string): void {
    const status = this.statuses.get(statusId);
    if (!status || status.deleted) return;
    status.deleted = true;
    for (const user of this.users.values()) {
      const at = user.home.indexOf(statusId);
      if (at >= 0) user.home.splice(at, 1);
    }
    this.#emit({ type: 'delete', statusId });
  }

  favourite(user: SimUser, status: SimStatus, on: boolean): SimStatus {
    if (on === user.favourited.has(status.id)) return status;
    status.json.favourites_count = Math.max(0, (status.json.favourites_count as number) + (on ? 1 : -1));
    if (on) {
      user.favourited.add(status.id);
      const newest = user.favourites[0] ? Number(user.favourites[0].id) : 5_000_000;
      user.favourites.unshift({ id: String(newest + 1), statusId: status.id });
      this.#notify(status.accountId, 'favourite', user.accountId, status.id);
    } else {
      user.favourited.delete(status.id);
      user.favourites = user.favourites.filter((f) => f.statusId !== status.id);
    }
    return status;
  }

  bookmark(user: SimUser, status: SimStatus, on: boolean): SimStatus {
    if (on === user.bookmarked.has(status.id)) return status;
    if (on) {
      user.bookmarked.add(status.id);
      const newest = user.bookmarks[0] ? Number(user.bookmarks[0].id) : 5_000_000;
      user.bookmarks.unshift({ id: String(newest + 1), statusId: status.id });
    } else {
      user.bookmarked.delete(status.id);
      user.bookmarks = user.bookmarks.filter((f) => f.statusId !== status.id);
    }
    return status;
  }

  /**
   * A vote in a status's poll (`choices` are option indexes); false when the poll cannot take it
   * (closed, already voted, a choice out of range, several choices in a single-choice poll).
   */
  vote(user: SimUser, status: SimStatus, choices: number[]): boolean {
    const poll = status.json.poll as Json | null;
    if (!poll) return false;
    const votes = this.votes.get(status.id) ?? new Map<string, number[]>();
    const options = poll.options as { votes_count: number }[];
    if (votes.has(user.accountId) || this.pollExpired(status)) return false;
    if (choices.length === 0 || (choices.length > 1 && poll.multiple !== true)) return false;
    if (choices.some((c) => !Number.isInteger(c) || c < 0 || c >= options.length)) return false;
    const unique = [...new Set(choices)];
    for (const c of unique) options[c]!.votes_count++;
    poll.votes_count = (poll.votes_count as number) + unique.length;
    poll.voters_count = ((poll.voters_count as number | null) ?? 0) + 1;
    votes.set(user.accountId, unique);
    this.votes.set(status.id, votes);
    return true;
  }

  /** Polls close three days after their post (the generator's are closed when they come). */
  pollExpired(status: SimStatus): boolean {
    const poll = status.json.poll as Json | null;
    return !poll || Date.parse(String(poll.expires_at)) <= this.nowMs;
  }

  /** Replaces a status's text, as an edit does: a new `edited_at`, and the stream says so. */
  edit(status: SimStatus, fields: { html: string; spoilerText: string; language?: string }): SimStatus {
    status.json.content = fields.html;
    status.json.spoiler_text = fields.spoilerText;
    status.json.sensitive = fields.spoilerText !== '';
    if (fields.language) status.json.language = fields.language;
    status.json.edited_at = new Date(this.nowMs).toISOString();
    this.#emit({ type: 'update', status });
    return status;
  }

  /** Follows or unfollows an account; its posts reach the home feed from then on. */
  follow(user: SimUser, accountId: string, on: boolean): void {
    if (on) user.follows.add(accountId);
    else user.follows.delete(accountId);
    this.accounts.get(user.accountId)!.json.following_count = user.follows.size;
    if (on) this.#notify(accountId, 'follow', user.accountId, null);
  }

  /** Blocking also ends the follow, as Mastodon does. */
  block(user: SimUser, accountId: string, on: boolean): void {
    if (on) {
      user.blocks.add(accountId);
      this.follow(user, accountId, false);
    } else user.blocks.delete(accountId);
  }

  mute(user: SimUser, accountId: string, on: boolean): void {
    if (on) user.mutes.add(accountId);
    else user.mutes.delete(accountId);
  }

  /** An account's own statuses and boosts, newest first. */
  statusesBy(accountId: string): SimStatus[] {
    const out: SimStatus[] = [];
    for (let i = this.timeline.length - 1; i >= 0; i--) {
      const status = this.statuses.get(this.timeline[i]!)!;
      if (status.accountId === accountId && !status.deleted) out.push(status);
    }
    return out;
  }

  /** Boosting answers with the new wrapper; unboosting with the status itself. */
  reblog(user: SimUser, status: SimStatus, on: boolean): SimStatus {
    const existing = user.boosts.get(status.id);
    if (on) {
      if (existing) return this.statuses.get(existing)!;
      const wrapper = this.publish(user.accountId, { reblogOf: status.id });
      user.boosts.set(status.id, wrapper.id);
      this.#notify(status.accountId, 'reblog', user.accountId, status.id);
      return wrapper;
    }
    if (existing) {
      user.boosts.delete(status.id);
      status.json.reblogs_count = Math.max(0, (status.json.reblogs_count as number) - 1);
      this.delete(existing);
    }
    return status;
  }

  #notify(
    recipientId: string,
    type: SimNotification['type'],
    accountId: string,
    statusId: string | null,
  ): void {
    const recipient = this.users.get(recipientId);
    if (!recipient || recipientId === accountId) return;
    const id = this.nextId();
    recipient.notifications.unshift({ id, type, accountId, statusId, createdMs: this.nowMs });
    this.#emit({ type: 'notification', userId: recipientId, notificationId: id });
  }

  /** A new post by `accountId` now (or a boost of `reblogOf`), as the simulator's clock says. */
  publish(
    accountId: string,
    options: { reblogOf?: string; inReplyTo?: string; text?: string } = {},
  ): SimStatus {
    const index = this.#seq;
    const id = this.nextId();
    if (options.reblogOf) return this.add(this.#boost(id, this.nowMs, accountId, options.reblogOf));
    const status = this.#compose(index, id, this.nowMs, accountId);
    if (options.text !== undefined) {
      // A post of the given text and nothing else: no mentions, hashtags, media, card or poll
      // (a reply's mention of whom it answers is added next).
      status.json.content = `<p>${options.text}</p>`;
      Object.assign(status.json, { mentions: [], tags: [], media_attachments: [], card: null, poll: null });
      status.tags = [];
    }
    if (options.inReplyTo) this.#makeReply(status, options.inReplyTo);
    return this.add(status);
  }

  /** A status as stored, following a boost to what it wraps. */
  inner(status: SimStatus): SimStatus {
    return status.reblogOf ? (this.statuses.get(status.reblogOf) ?? status) : status;
  }

  #historic(index: number, ms: number): void {
    const rng = this.#rng;
    const author = this.#authors[Math.floor(this.#authors.length * rng.next() ** 2.5)]!;
    const id = this.nextId(ms);
    const earlier = this.timeline.length;
    if (earlier > 50 && rng.chance(0.15)) {
      const target = this.timeline[earlier - 1 - Math.floor(Math.min(earlier - 1, 2000) * rng.next())]!;
      const inner = this.inner(this.statuses.get(target)!);
      if (inner.accountId !== author.id) {
        this.add(this.#boost(id, ms, author.id, inner.id));
        return;
      }
    }
    const status = this.#compose(index, id, ms, author.id);
    if (earlier > 50 && rng.chance(0.12)) {
      const parent = this.timeline[earlier - 1 - Math.floor(Math.min(earlier - 1, 500) * rng.next())]!;
      this.#makeReply(status, this.inner(this.statuses.get(parent)!).id);
    }
    if (earlier > 50 && rng.chance(0.02)) {
      const quoted = this.inner(
        this.statuses.get(this.timeline[earlier - 1 - rng.int(Math.min(earlier - 1, 300))]!)!,
      );
      status.quoteOf = quoted.id;
    }
    this.add(status);
  }

  #compose(index: number, id: string, ms: number, accountId: string): SimStatus {
    const account = this.accounts.get(accountId)!;
    const author = this.#authors.find((a) => a.id === accountId) ?? {
      json: account.json,
      username: account.username,
      instance: account.domain,
      acct: account.username,
      id: account.id,
      url: `https://${account.domain}/@${account.username}`,
    };
    const json = this.generator.compose(Rng.for(index, 1, 41), index, ms, id, author);
    json.uri = `https://${account.domain}/users/${account.username}/statuses/${id}`;
    json.url = `https://${account.domain}/@${account.username}/${id}`;
    json.in_reply_to_id = null;
    json.in_reply_to_account_id = null;
    json.edited_at = null;
    delete json.quote;
    for (const key of ['favourited', 'reblogged', 'bookmarked', 'muted', 'filtered']) delete json[key];
    const tags = (json.tags as { name: string }[]).map((t) => t.name);
    return {
      id,
      accountId,
      createdMs: ms,
      json,
      reblogOf: null,
      quoteOf: null,
      inReplyTo: null,
      tags,
      deleted: false,
      malformed: false,
    };
  }

  #boost(id: string, ms: number, accountId: string, reblogOf: string): SimStatus {
    const account = this.accounts.get(accountId)!;
    const inner = this.statuses.get(reblogOf)!;
    inner.json.reblogs_count = (inner.json.reblogs_count as number) + 1;
    return {
      id,
      accountId,
      createdMs: ms,
      json: {
        id,
        created_at: new Date(ms).toISOString(),
        in_reply_to_id: null,
        in_reply_to_account_id: null,
        sensitive: false,
        spoiler_text: '',
        visibility: 'public',
        language: null,
        uri: `https://${account.domain}/users/${account.username}/statuses/${id}/activity`,
        url: null,
        replies_count: 0,
        reblogs_count: 0,
        favourites_count: 0,
        edited_at: null,
        content: '',
        application: null,
        media_attachments: [],
        mentions: [],
        tags: [],
        emojis: [],
        card: null,
        poll: null,
      },
      reblogOf,
      quoteOf: null,
      inReplyTo: null,
      tags: [],
      deleted: false,
      malformed: false,
    };
  }

  #makeReply(status: SimStatus, parentId: string): void {
    const parent = this.statuses.get(parentId);
    if (!parent) return;
    const target = this.accounts.get(parent.accountId)!;
    status.inReplyTo = parent.id;
    status.json.in_reply_to_id = parent.id;
    status.json.in_reply_to_account_id = parent.accountId;
    const mentions = status.json.mentions as Json[];
    if (!mentions.some((m) => m.id === target.id)) {
      mentions.unshift({
        id: target.id,
        username: target.username,
        url: `https://${target.domain}/@${target.username}`,
        acct: `${target.username}@${target.domain}`,
      });
      status.json.content = `<p><span class="h-card" translate="no"><a href="https://${target.domain}/@${target.username}" class="u-url mention">@<span>${target.username}</span></a></span></p>${status.json.content as string}`;
    }
    parent.json.replies_count = (parent.json.replies_count as number) + 1;
  }

  #notifyMentions(user: SimUser, status: SimStatus): void {
    if (status.accountId === user.accountId || status.reblogOf) return;
    const mentioned = (status.json.mentions as { id: string }[]).some((m) => m.id === user.accountId);
    if (!mentioned) return;
    const id = this.nextId(status.createdMs);
    const at = user.notifications.findIndex((n) => compareIds(n.id, id) < 0);
    user.notifications.splice(at < 0 ? user.notifications.length : at, 0, {
      id,
      type: 'mention',
      accountId: status.accountId,
      statusId: status.id,
      createdMs: status.createdMs,
    });
    this.#emit({ type: 'notification', userId: user.accountId, notificationId: id });
  }

  /** Favourites and bookmarks made before the world's "now", and some mentions of the user. */
  #history(user: SimUser, spec: UserSpec): void {
    const rng = this.#rng;
    const candidates = this.timeline.filter((id) => !this.statuses.get(id)!.reblogOf);
    const pick = (count: number, into: { id: string; statusId: string }[]) => {
      const chosen = new Set<string>();
      const want = Math.min(count, candidates.length);
      while (chosen.size < want) chosen.add(candidates[rng.int(candidates.length)]!);
      // Acted on some time after posting; records are ordered by when the user acted.
      const records = [...chosen].map((statusId) => {
        const posted = this.statuses.get(statusId)!.createdMs;
        const at = Math.min(this.nowMs - 1000, posted + rng.next() * 86_400_000);
        return { at, statusId };
      });
      records.sort((a, b) => b.at - a.at);
      // Record ids are a separate, much smaller sequence than status ids, as on a real server.
      let recordId = 5_000_000 + records.length * 3;
      for (const record of records)
        into.push({ id: String((recordId -= 1 + rng.int(3))), statusId: record.statusId });
    };
    pick(spec.favourites ?? 200, user.favourites);
    pick(spec.bookmarks ?? 40, user.bookmarks);
    for (const f of user.favourites) user.favourited.add(f.statusId);
    for (const b of user.bookmarks) user.bookmarked.add(b.statusId);
    for (let n = 0; n < 20; n++) {
      const author = this.#authors[rng.int(this.#authors.length)]!;
      const parent = candidates[candidates.length - 1 - rng.int(Math.min(candidates.length, 300))]!;
      const ms = this.nowMs - 1000 - rng.int(86_400_000);
      const status = this.#compose(this.#seq, this.nextId(ms), ms, author.id);
      this.#makeReply(status, parent);
      const target = this.accounts.get(user.accountId)!;
      (status.json.mentions as Json[]).push({
        id: target.id,
        username: target.username,
        url: `https://${target.domain}/@${target.username}`,
        acct: `${target.username}@${target.domain}`,
      });
      status.json.content = `<p><span class="h-card" translate="no"><a href="https://${target.domain}/@${target.username}" class="u-url mention">@<span>${target.username}</span></a></span></p>${status.json.content as string}`;
      this.add(status);
    }
  }
}
