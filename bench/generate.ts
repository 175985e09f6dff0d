/**
 * Deterministic, realistic Mastodon home-timeline statuses for the engine benchmark.
 *
 * Everything derives from one seed: status `i` (0 = newest) is generated from its own PRNG stream,
 * so any page can be rebuilt anywhere (in Node, or inside the browser worker) without holding the
 * whole set in memory or sending it across postMessage. Runs in Node and in a browser worker: no
 * Node imports here.
 *
 * Shape of the data: a few thousand authors on a dozen instances (Zipf-distributed activity),
 * status text of about 500 bytes as Mastodon HTML (paragraphs, links with invisible/ellipsis spans,
 * h-card mentions, hashtag links, entities), 1–4 tags, Zipf-ish counts, ~15% boosts, ~8% content
 * warnings, ~18% media with alt text, replies, cards, polls, edits and quotes by id.
 */

export const HOME_INSTANCE = 'mastodon.social';
/** Newest status time by default; older statuses step back ~30 s each. */
export const BASE_TIME = Date.UTC(2025, 8, 1, 12, 0, 0);
const STEP_MS = 30_000;

type Json = Record<string, unknown>;

/** splitmix32-style mixing of a seed and a stream number into a 32-bit state. */
function mix(seed: number, stream: number, salt = 0): number {
  let h =
    (seed ^ Math.imul(stream + 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 0x7f4a7c15, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  return (h ^ (h >>> 15)) >>> 0;
}

/** mulberry32: small, fast and good enough for synthetic data. */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  static for(seed: number, stream: number, salt = 0): Rng {
    return new Rng(mix(seed, stream, salt));
  }
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let x = this.next() * total;
    for (const [item, w] of items) {
      x -= w;
      if (x < 0) return item;
    }
    return items[items.length - 1]![0];
  }
}

/** Samples ranks 0..n-1 with probability ∝ 1/(rank+1+q)^s (Zipf–Mandelbrot). */
class Zipf {
  readonly #cdf: Float64Array;
  constructor(n: number, s: number, q = 0) {
    this.#cdf = new Float64Array(n);
    let sum = 0;
    for (let r = 0; r < n; r++) this.#cdf[r] = sum += 1 / Math.pow(r + 1 + q, s);
    for (let r = 0; r < n; r++) this.#cdf[r] = this.#cdf[r]! / sum;
  }
  sample(rng: Rng): number {
    const x = rng.next();
    let lo = 0;
    let hi = this.#cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const INSTANCES: readonly (readonly [string, number])[] = [
  ['mastodon.social', 30],
  ['hachyderm.io', 10],
  ['fosstodon.org', 9],
  ['mas.to', 7],
  ['mstdn.social', 7],
  ['infosec.exchange', 6],
  ['chaos.social', 5],
  ['social.vivaldi.net', 4],
  ['techhub.social', 4],
  ['mastodon.online', 4],
  ['sigmoid.social', 3],
  ['norden.social', 3],
  ['det.social', 2],
  ['mastodon.art', 2],
];

const STOP_WORDS = [
  'the',
  'a',
  'of',
  'and',
  'to',
  'in',
  'is',
  'it',
  'that',
  'for',
  'on',
  'with',
  'this',
  'was',
  'are',
  'be',
  'at',
  'as',
  'have',
  'not',
  'but',
  'you',
  'we',
  'they',
  'I',
  'my',
  'so',
  'just',
  'if',
  'or',
  'an',
  'from',
  'about',
  'all',
  'more',
  'one',
  'when',
  'what',
  'there',
  'been',
  'out',
  'up',
  'now',
];
const CONTRACTIONS = [
  'it&#39;s',
  'don&#39;t',
  'I&#39;m',
  'can&#39;t',
  'that&#39;s',
  'we&#39;re',
  'isn&#39;t',
];

/** Common content words first (the head of the Zipf curve); synthetic words fill the long tail. */
const CONTENT_WORDS = `
  people time today work year day thing really new good think post open source software code
  data week world night morning coffee cat dog photo city train weather rain summer winter book
  music game server instance federation fediverse mastodon community release update version
  project team bug feature issue design browser linux windows android phone laptop keyboard
  screen network internet privacy security password key file database query index cache memory
  storage disk cloud model language python rust javascript typescript kernel compiler library
  framework test build deploy container cluster garden bike walk run lake mountain forest river
  ocean beach bread pizza tea dinner lunch breakfast kitchen recipe sunset light color paint
  drawing art museum film movie show episode series podcast radio news article paper research
  science climate energy solar wind battery car bus station airport flight ticket hotel trip
  friend family kid school student teacher class lesson history story idea question answer
  problem solution reason change future past government policy election vote law court public
  health doctor hospital vaccine sleep dream health running yoga chess puzzle board card sport
  football match league player goal season festival concert album song band guitar piano
`
  .trim()
  .split(/\s+/);

const REAL_TAGS = [
  'Caturday',
  'Photography',
  'OpenSource',
  'Rust',
  'Linux',
  'Python',
  'Fediverse',
  'Mastodon',
  'Gardening',
  'Climate',
  'Books',
  'Music',
  'Art',
  'Cooking',
  'Science',
  'Privacy',
  'Infosec',
  'MastoArt',
  'SilentSunday',
  'Birds',
  'Cycling',
  'Running',
  'Coffee',
  'TypeScript',
  'WebDev',
  'Accessibility',
  'AltText',
  'NowPlaying',
  'Astronomy',
  'History',
  'Politics',
  'Space',
  'Gaming',
  'Movies',
  'Podcast',
  'Programming',
  'SQLite',
  'SelfHosting',
  'Homelab',
  'Knitting',
];
const CW_TEXTS = [
  'politics',
  'US pol',
  'food',
  'mental health',
  'long post',
  'eye contact',
  'spoilers',
  'lewd joke',
  'news',
  'death',
];
const LINK_HOSTS = [
  'www.theguardian.com',
  'github.com',
  'arstechnica.com',
  'en.wikipedia.org',
  'www.youtube.com',
  'www.bbc.co.uk',
  'lwn.net',
  'news.ycombinator.com',
  'www.nytimes.com',
  'blog.rust-lang.org',
  'www.theverge.com',
  'sqlite.org',
  'developer.mozilla.org',
  'www.heise.de',
  'codeberg.org',
];
const LANGUAGES: readonly (readonly [string | null, number])[] = [
  ['en', 80],
  ['de', 8],
  ['fr', 5],
  ['es', 3],
  ['nl', 2],
  [null, 2],
];
const BLURHASHES = [
  'UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH',
  'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
  'L6PZfSi_.AyE_3t7t7R**0o#DgR4',
];
const SYLLABLES = [
  'ka',
  'ro',
  'mi',
  'ten',
  'lu',
  'sa',
  'ver',
  'do',
  'ne',
  'ar',
  'bel',
  'quo',
  'fi',
  'zan',
  'tor',
  'el',
  'pra',
  'gu',
  'les',
  'min',
  'ho',
  'cre',
  'dal',
  'vin',
  'sto',
  'ra',
  'ly',
  'mar',
  'po',
  'sen',
  'ti',
  'gar',
  'nu',
  'bri',
  'cal',
  'de',
  'fos',
  'ha',
  'ib',
  'jo',
  'kel',
  'mo',
  'nor',
  'pel',
  'rin',
  'su',
];

/** A sentence made for HTML (its entities escaped) as plain text, as descriptions are sent. */
function plainText(html: string): string {
  return html.replace(/&(quot|amp|lt|gt|#39);/g, (_, name: string) =>
    name === 'quot' ? '"' : name === 'amp' ? '&' : name === 'lt' ? '<' : name === 'gt' ? '>' : "'",
  );
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function snowflake(ms: number, low: number): string {
  return ((BigInt(ms) << 16n) | BigInt(low & 0xffff)).toString();
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export interface Author {
  json: Json;
  username: string;
  instance: string;
  acct: string;
  id: string;
  url: string;
}

export interface GeneratorOptions {
  /** The newest entry's time (entry 0's, give or take 15 s); BASE_TIME by default. */
  newest?: number;
  /**
   * Replies in the home timeline answer an entry a little older in the same timeline (so threads
   * are stored whole), instead of a made-up post; off by default, which keeps every status as it was.
   */
  threads?: boolean;
}

export interface GeneratedPage {
  statuses: Json[];
  /** The `max_id` this page was fetched with (the last id of the page before), if any. */
  maxId: string | undefined;
}

export class StatusGenerator {
  readonly vocabulary: string[];
  readonly tags: string[];
  readonly authors: Author[];
  readonly #wordZipf: Zipf;
  readonly #tagZipf: Zipf;
  readonly #authorZipf: Zipf;
  /** The newest entry's time. */
  readonly newest: number;
  readonly #threads: boolean;
  #authorsById: Map<string, Author> | undefined;

  constructor(
    readonly seed: number,
    authorCount = 3000,
    vocabularySize = 8000,
    options: GeneratorOptions = {},
  ) {
    this.newest = options.newest ?? BASE_TIME;
    this.#threads = options.threads ?? false;
    const rng = Rng.for(seed, 0, 1);
    const words = new Set(CONTENT_WORDS);
    while (words.size < vocabularySize) {
      let w = '';
      const n = rng.weighted([
        [2, 4],
        [3, 5],
        [4, 2],
      ] as const);
      for (let i = 0; i < n; i++) w += rng.pick(SYLLABLES);
      // Now and then a word with a diacritic, which the index folds away.
      if (rng.chance(0.03)) w = w.replace('e', 'é');
      words.add(w);
    }
    this.vocabulary = [...words];
    const tags = new Set(REAL_TAGS);
    while (tags.size < 400)
      tags.add(capitalize(rng.pick(this.vocabulary)) + capitalize(rng.pick(this.vocabulary)));
    this.tags = [...tags];
    this.#wordZipf = new Zipf(this.vocabulary.length, 1.05, 8);
    this.#tagZipf = new Zipf(this.tags.length, 1.1);
    this.#authorZipf = new Zipf(authorCount, 0.8);
    this.authors = [];
    const taken = new Set<string>();
    for (let a = 0; a < authorCount; a++) this.authors.push(this.#author(a, taken));
  }

  #author(index: number, taken: Set<string>): Author {
    const rng = Rng.for(this.seed, index, 2);
    const instance = rng.weighted(INSTANCES);
    const first = capitalize(this.#syllableName(rng));
    const last = capitalize(this.#syllableName(rng));
    let username = rng.chance(0.5) ? first.toLowerCase() : `${first}${last}`.toLowerCase().slice(0, 14);
    if (rng.chance(0.2)) username += rng.range(1, 99);
    while (taken.has(`${username}@${instance}`)) username += rng.int(10);
    taken.add(`${username}@${instance}`);
    const acct = instance === HOME_INSTANCE ? username : `${username}@${instance}`;
    const createdMs = Date.UTC(2017, 0, 1) + rng.int(8 * 365) * 86_400_000;
    const id = snowflake(createdMs, index);
    const url = `https://${instance}/@${username}`;
    let displayName = rng.chance(0.15) ? first : `${first} ${last}`;
    if (rng.chance(0.05)) displayName = displayName.replace('e', 'é');
    if (rng.chance(0.08)) displayName += ' :verified:';
    if (rng.chance(0.05)) displayName += ' 🦀';
    const noteWords = rng.range(8, 30);
    let note = this.#sentence(rng, noteWords);
    if (rng.chance(0.04)) note += ' #nobot';
    if (rng.chance(0.3)) note += ` #${this.tags[this.#tagZipf.sample(rng)]}`;
    const media = `https://files.${HOME_INSTANCE}/cache/accounts`;
    const fields = [];
    for (let f = rng.int(4); f > 0; f--) {
      const host = `${username}.${rng.pick(['dev', 'blog', 'net', 'org', 'eu'])}`;
      fields.push({
        name: rng.pick(['Website', 'Blog', 'Pronouns', 'GitHub', 'Location']),
        value: `<a href="https://${host}" target="_blank" rel="nofollow noopener me" translate="no"><span class="invisible">https://</span><span class="">${host}</span><span class="invisible"></span></a>`,
        verified_at: rng.chance(0.3) ? iso(createdMs + 86_400_000) : null,
      });
    }
    const emojis = displayName.includes(':verified:')
      ? [
          {
            shortcode: 'verified',
            url: `https://${instance}/emoji/verified.png`,
            static_url: `https://${instance}/emoji/verified.png`,
            visible_in_picker: true,
          },
        ]
      : [];
    const json: Json = {
      id,
      username,
      acct,
      display_name: displayName,
      locked: rng.chance(0.05),
      bot: rng.chance(0.03),
      discoverable: rng.chance(0.8),
      indexable: rng.chance(0.6),
      group: false,
      created_at: iso(createdMs),
      note: `<p>${note}</p>`,
      url,
      uri: `https://${instance}/users/${username}`,
      avatar: `${media}/avatars/${id.slice(0, 3)}/${id.slice(3, 6)}/original/${(mix(index, 7) >>> 0).toString(16)}.png`,
      avatar_static: `${media}/avatars/${id.slice(0, 3)}/${id.slice(3, 6)}/original/${(mix(index, 7) >>> 0).toString(16)}.png`,
      header: `${media}/headers/${id.slice(0, 3)}/original/${(mix(index, 8) >>> 0).toString(16)}.jpg`,
      header_static: `${media}/headers/${id.slice(0, 3)}/original/${(mix(index, 8) >>> 0).toString(16)}.jpg`,
      followers_count: Math.floor(rng.logNormal(180, 1.8)),
      following_count: Math.floor(rng.logNormal(200, 1.2)),
      statuses_count: Math.floor(rng.logNormal(2000, 1.5)),
      last_status_at: iso(this.newest).slice(0, 10),
      hide_collections: rng.chance(0.1),
      noindex: rng.chance(0.1),
      emojis,
      roles: [],
      fields,
    };
    return { json, username, instance, acct, id, url };
  }

  #syllableName(rng: Rng): string {
    let s = '';
    for (let n = rng.range(2, 3); n > 0; n--) s += rng.pick(SYLLABLES);
    return s;
  }

  #word(rng: Rng): string {
    if (rng.chance(0.42)) return rng.chance(0.04) ? rng.pick(CONTRACTIONS) : rng.pick(STOP_WORDS);
    return this.vocabulary[this.#wordZipf.sample(rng)]!;
  }

  /** Words as sentences: capitalized, punctuated, with an occasional entity. */
  #sentence(rng: Rng, words: number): string {
    const out: string[] = [];
    let start = true;
    let left = rng.range(6, 18);
    for (let i = 0; i < words; i++) {
      let w = this.#word(rng);
      if (start) w = capitalize(w);
      start = false;
      if (rng.chance(0.01)) w = `&quot;${w}&quot;`;
      else if (rng.chance(0.005)) w = `${w} &amp;`;
      if (--left === 0 || i === words - 1) {
        w += rng.weighted([
          ['.', 8],
          ['!', 1],
          ['?', 1],
          ['…', 0.3],
        ] as const);
        start = true;
        left = rng.range(6, 18);
      } else if (rng.chance(0.06)) w += ',';
      out.push(w);
    }
    return out.join(' ');
  }

  #pickAuthor(rng: Rng, not?: Author): Author {
    for (;;) {
      const author = this.authors[this.#authorZipf.sample(rng)]!;
      if (author !== not) return author;
    }
  }

  static mentionHtml(author: Author): string {
    return `<span class="h-card" translate="no"><a href="${author.url}" class="u-url mention">@<span>${author.username}</span></a></span>`;
  }

  static hashtagHtml(tag: string): string {
    return `<a href="https://${HOME_INSTANCE}/tags/${tag.toLowerCase()}" class="mention hashtag" rel="tag">#<span>${tag}</span></a>`;
  }

  #link(rng: Rng): { url: string; html: string; host: string; slug: string } {
    const host = rng.pick(LINK_HOSTS);
    const slugWords: string[] = [];
    for (let n = rng.range(2, 7); n > 0; n--) slugWords.push(this.vocabulary[this.#wordZipf.sample(rng)]!);
    const slug = slugWords.join('-');
    const path = rng.chance(0.5) ? `/2025/0${rng.range(1, 8)}/${rng.range(10, 28)}/${slug}` : `/${slug}`;
    const url = `https://${host}${path}`;
    const visible = `${host}${path}`;
    const html =
      visible.length > 30
        ? `<a href="${url}" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">https://</span><span class="ellipsis">${visible.slice(0, 30)}</span><span class="invisible">${visible.slice(30)}</span></a>`
        : `<a href="${url}" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">https://</span><span class="">${visible}</span><span class="invisible"></span></a>`;
    return { url, html, host, slug: slugWords.join(' ') };
  }

  /** A status that is not a boost: what the timeline shows, or what a boost wraps. */
  #inner(rng: Rng, index: number, createdMs: number, remoteId: string, author: Author): Json {
    const statusNumber = snowflake(createdMs, mix(index, 3)).toString();
    const local = author.instance === HOME_INSTANCE;
    const uri = `https://${author.instance}/users/${author.username}/statuses/${local ? remoteId : statusNumber}`;
    const url = `https://${author.instance}/@${author.username}/${local ? remoteId : statusNumber}`;

    const mentions: Author[] = [];
    let inReplyTo: string | null = null;
    let inReplyToAccount: string | null = null;
    if (rng.chance(0.12)) {
      const target = this.#pickAuthor(rng, author);
      mentions.push(target);
      inReplyTo = snowflake(createdMs - rng.range(60_000, 86_400_000), index);
      inReplyToAccount = target.id;
    }
    if (rng.chance(0.1)) {
      for (let n = rng.range(1, 2); n > 0; n--) {
        const m = this.#pickAuthor(rng, author);
        if (!mentions.includes(m)) mentions.push(m);
      }
    }

    const tagCount = rng.weighted([
      [1, 40],
      [2, 30],
      [3, 20],
      [4, 10],
    ] as const);
    const tags: string[] = [];
    while (tags.length < tagCount) {
      const tag = this.tags[this.#tagZipf.sample(rng)]!;
      if (!tags.includes(tag)) tags.push(tag);
    }

    // ≈500 bytes of visible text in 1–3 paragraphs.
    const wordCount = Math.max(8, Math.min(200, Math.round(rng.logNormal(72, 0.4))));
    const paragraphs =
      wordCount < 30
        ? 1
        : rng.weighted([
            [1, 4],
            [2, 4],
            [3, 2],
          ] as const);
    const parts: string[] = [];
    let left = wordCount;
    for (let p = 0; p < paragraphs; p++) {
      const n = p === paragraphs - 1 ? left : Math.max(4, Math.round(wordCount / paragraphs));
      left = Math.max(4, left - n);
      parts.push(this.#sentence(rng, n));
    }
    if (mentions.length > 0) parts[0] = `${mentions.map(StatusGenerator.mentionHtml).join(' ')} ${parts[0]}`;
    let card: Json | null = null;
    if (rng.chance(0.3)) {
      const link = this.#link(rng);
      const p = rng.int(parts.length);
      parts[p] = `${parts[p]} ${link.html}`;
      if (rng.chance(0.6)) {
        card = {
          url: link.url,
          title: capitalize(link.slug),
          description: plainText(this.#sentence(rng, rng.range(8, 25))),
          type: 'link',
          author_name: '',
          author_url: '',
          provider_name: link.host,
          provider_url: '',
          html: '',
          width: 400,
          height: 210,
          image: rng.chance(0.7)
            ? `https://files.${HOME_INSTANCE}/cache/preview_cards/images/${statusNumber}.jpg`
            : null,
          embed_url: '',
          blurhash: rng.pick(BLURHASHES),
        };
      }
    }
    const tagHtml = tags.map(StatusGenerator.hashtagHtml);
    if (rng.chance(0.6)) parts.push(tagHtml.join(' '));
    else parts[parts.length - 1] = `${parts[parts.length - 1]} ${tagHtml.join(' ')}`;
    const content = parts.map((p) => `<p>${p}</p>`).join('');

    const media: Json[] = [];
    if (rng.chance(0.18)) {
      const n = rng.weighted([
        [1, 60],
        [2, 20],
        [3, 10],
        [4, 10],
      ] as const);
      for (let m = 0; m < n; m++) {
        const type = rng.weighted([
          ['image', 85],
          ['gifv', 8],
          ['video', 7],
        ] as const);
        const mediaId = snowflake(createdMs, mix(index, 10 + m));
        const path = `${mediaId.slice(0, 3)}/${mediaId.slice(3, 6)}/${mediaId.slice(6, 9)}`;
        const width = rng.pick([1280, 1920, 1080, 800]);
        const height = rng.pick([720, 1080, 1350, 600]);
        media.push({
          id: mediaId,
          type,
          url: `https://files.${HOME_INSTANCE}/media_attachments/files/${path}/original/${mediaId}.${type === 'image' ? 'jpg' : 'mp4'}`,
          preview_url: `https://files.${HOME_INSTANCE}/media_attachments/files/${path}/small/${mediaId}.jpg`,
          remote_url: local ? null : `https://${author.instance}/system/media_attachments/${mediaId}.jpg`,
          preview_remote_url: null,
          text_url: null,
          meta: {
            original: { width, height, size: `${width}x${height}`, aspect: width / height },
            small: {
              width: 640,
              height: Math.round((640 * height) / width),
              size: '640x360',
              aspect: width / height,
            },
          },
          description: rng.chance(0.72) ? plainText(this.#sentence(rng, rng.range(8, 35))) : null,
          blurhash: rng.pick(BLURHASHES),
        });
      }
    }

    const cw = rng.chance(0.08);
    const favourites = Math.floor(rng.logNormal(3, 1.6));
    let poll: Json | null = null;
    if (rng.chance(0.02)) {
      const options = [];
      let votes = 0;
      for (let o = rng.range(2, 4); o > 0; o--) {
        const v = rng.int(60);
        votes += v;
        options.push({ title: this.#sentence(rng, rng.range(1, 4)), votes_count: v });
      }
      poll = {
        id: String(mix(index, 20)),
        expires_at: iso(createdMs + 86_400_000),
        expired: true,
        multiple: rng.chance(0.3),
        votes_count: votes,
        voters_count: votes,
        options,
        emojis: [],
        voted: false,
        own_votes: [],
      };
    }
    const quoteOf = rng.chance(0.01) && index > 5 ? this.remoteIdFor(index - rng.range(1, 5)) : null;
    return {
      id: remoteId,
      created_at: iso(createdMs),
      in_reply_to_id: inReplyTo,
      in_reply_to_account_id: inReplyToAccount,
      sensitive: cw || (media.length > 0 && rng.chance(0.05)),
      spoiler_text: cw ? rng.pick(CW_TEXTS) : '',
      visibility: rng.weighted([
        ['public', 80],
        ['unlisted', 15],
        ['private', 5],
      ] as const),
      language: rng.weighted(LANGUAGES),
      uri,
      url,
      replies_count: Math.floor(favourites / 4 + rng.int(2)),
      reblogs_count: Math.floor(favourites / 3 + rng.int(2)),
      favourites_count: favourites,
      quotes_count: rng.chance(0.02) ? rng.range(1, 3) : 0,
      edited_at: rng.chance(0.04) ? iso(createdMs + rng.range(60_000, 3_600_000)) : null,
      favourited: rng.chance(0.03),
      reblogged: rng.chance(0.01),
      muted: false,
      bookmarked: rng.chance(0.01),
      content,
      filtered: [],
      reblog: null,
      application: local
        ? { name: rng.pick(['Web', 'Ivory for iOS', 'Tusky', 'Elk', 'Phanpy']), website: null }
        : null,
      account: author.json,
      media_attachments: media,
      mentions: mentions.map((m) => ({ id: m.id, username: m.username, url: m.url, acct: m.acct })),
      tags: tags.map((t) => ({
        name: t.toLowerCase(),
        url: `https://${HOME_INSTANCE}/tags/${t.toLowerCase()}`,
      })),
      emojis: [],
      quote: quoteOf ? { state: 'accepted', quoted_status_id: quoteOf, quoted_status: null } : null,
      card,
      poll,
      quote_approval: { automatic: ['public'], manual: [], current_user: 'automatic' },
    };
  }

  /**
   * A status that is not a boost, by `author` at `createdMs` with id `id`, drawn from `rng`. Its
   * reply and quote links point at made-up ids: a caller with a real graph sets them.
   */
  compose(rng: Rng, index: number, createdMs: number, id: string, author: Author): Json {
    return this.#inner(rng, index, createdMs, id, author);
  }

  /** Timeline entry `index` (0 = newest) exactly as the home timeline API returns it. */
  status(index: number): Json {
    const rng = Rng.for(this.seed, index, 4);
    const entryMs = this.entryTime(index);
    const remoteId = this.remoteIdFor(index);
    if (rng.chance(0.15)) {
      const booster = this.#pickAuthor(rng);
      const author = this.#pickAuthor(rng, booster);
      const innerMs = entryMs - rng.range(60_000, 3 * 86_400_000);
      const inner = this.#inner(rng, index, innerMs, snowflake(innerMs, 0x8000 | (index & 0x7fff)), author);
      return {
        id: remoteId,
        created_at: iso(entryMs),
        in_reply_to_id: null,
        in_reply_to_account_id: null,
        sensitive: false,
        spoiler_text: '',
        visibility: 'public',
        language: null,
        uri: `https://${booster.instance}/users/${booster.username}/statuses/${remoteId}/activity`,
        url: null,
        replies_count: 0,
        reblogs_count: 0,
        favourites_count: 0,
        favourited: false,
        reblogged: false,
        muted: false,
        bookmarked: false,
        content: '',
        filtered: [],
        reblog: inner,
        application: null,
        account: booster.json,
        media_attachments: [],
        mentions: [],
        tags: [],
        emojis: [],
        card: null,
        poll: null,
      };
    }
    const status = this.#inner(rng, index, entryMs, remoteId, this.#pickAuthor(rng));
    if (this.#threads && status.in_reply_to_id !== null) this.#answerStored(status, index);
    return status;
  }

  /**
   * Makes reply `status` (entry `index`) answer an entry up to about 30 older that is not a boost,
   * mentioning that entry's author in place of the made-up one (from a stream of its own, so that
   * nothing else of the status changes).
   */
  #answerStored(status: Json, index: number): void {
    let parent = index + Rng.for(this.seed, index, 7).range(1, 30);
    // Entry `parent` drawn as status() draws it: a boost first, then, if none, its author.
    while (Rng.for(this.seed, parent, 4).chance(0.15)) parent++;
    const draw = Rng.for(this.seed, parent, 4);
    draw.next();
    const author = this.#pickAuthor(draw);
    const mentions = status.mentions as Json[];
    this.#authorsById ??= new Map(this.authors.map((a) => [a.id, a]));
    const made = this.#authorsById.get(String(mentions[0]!.id))!;
    status.content = String(status.content).replace(
      StatusGenerator.mentionHtml(made),
      StatusGenerator.mentionHtml(author),
    );
    mentions[0] = { id: author.id, username: author.username, url: author.url, acct: author.acct };
    status.in_reply_to_id = this.remoteIdFor(parent);
    status.in_reply_to_account_id = author.id;
  }

  /**
   * `count` notifications of `me` (one of the person's accounts), newest first, as Mastodon's v1 API
   * returns them, one about every `everyMs` back from the newest entry: favourites (45%), boosts
   * (20%) and mentions (25%: replies to their posts) of their posts, twenty or so a post, and
   * follows (10%).
   */
  notifications(count: number, me: Author, everyMs = 10 * 60_000): Json[] {
    const perPost = 20;
    const ownPosts: Json[] = [];
    const ownPost = (p: number): Json => {
      while (ownPosts.length <= p) {
        const n = ownPosts.length;
        const createdMs = this.newest - (n + 1) * perPost * everyMs - 3_600_000;
        const id = snowflake(createdMs, 0xa000 | (n & 0xfff));
        ownPosts.push(this.#inner(Rng.for(this.seed, n, 9), 2_000_000 + n, createdMs, id, me));
      }
      return ownPosts[p]!;
    };
    const out: Json[] = [];
    for (let n = 0; n < count; n++) {
      const rng = Rng.for(this.seed, n, 8);
      const at = this.newest - n * everyMs - rng.int(everyMs / 2);
      const id = snowflake(at, 0xb000 | (n & 0xfff));
      const type = rng.weighted([
        ['favourite', 45],
        ['reblog', 20],
        ['mention', 25],
        ['follow', 10],
      ] as const);
      const from = this.#pickAuthor(rng);
      const post = ownPost(Math.floor(n / perPost));
      let status: Json | null = null;
      if (type === 'favourite' || type === 'reblog') status = post;
      else if (type === 'mention') {
        status = this.#inner(rng, 1_000_000 + n, at, snowflake(at, 0xc000 | (n & 0xfff)), from);
        status.in_reply_to_id = post.id;
        status.in_reply_to_account_id = me.id;
        status.mentions = [
          { id: me.id, username: me.username, url: me.url, acct: me.acct },
          ...(status.mentions as Json[]).filter((m) => m.id !== me.id),
        ];
        status.content = `<p>${StatusGenerator.mentionHtml(me)}</p>${String(status.content)}`;
      }
      out.push({
        id,
        type,
        created_at: iso(at),
        group_key: status && type !== 'mention' ? `${type}-${String(status.id)}` : `ungrouped-${id}`,
        account: from.json,
        status,
      });
    }
    return out;
  }

  /** Entry `index`'s time (0 = newest). */
  entryTime(index: number): number {
    return entryTime(index, this.newest);
  }

  /** Entry `index`'s id on the server. */
  remoteIdFor(index: number): string {
    return remoteIdFor(index, this.newest);
  }

  /** Page `p` of the home timeline walked from the top with `max_id`. */
  page(p: number, pageSize: number, total: number): GeneratedPage {
    const start = p * pageSize;
    const end = Math.min(total, start + pageSize);
    const statuses: Json[] = [];
    for (let i = start; i < end; i++) statuses.push(this.status(i));
    return { statuses, maxId: start > 0 ? this.remoteIdFor(start - 1) : undefined };
  }

  /**
   * Search queries as a person types them: one or two words from the vocabulary, ranks drawn
   * log-uniformly so that common and rare words both appear.
   */
  queries(count: number): string[] {
    const rng = Rng.for(this.seed, 0, 5);
    const word = () => {
      const rank = Math.floor(Math.exp(rng.next() * Math.log(this.vocabulary.length)));
      return this.vocabulary[Math.min(rank, this.vocabulary.length - 1)]!;
    };
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(rng.chance(0.5) ? word() : `${word()} ${word()}`);
    return out;
  }
}

/** Strictly decreasing with the index, so remote ids sort like Mastodon's. */
export function entryTime(index: number, newest = BASE_TIME): number {
  return newest - index * STEP_MS + (mix(index, 9) % 15_000);
}

export function remoteIdFor(index: number, newest = BASE_TIME): string {
  return snowflake(entryTime(index, newest), index & 0x7fff);
}

/** A unit-length float32 vector for a status, as the bytes stored in `embeddings.vector`. */
export function embeddingBytes(seed: number, statusId: number, dims: number): Uint8Array {
  const rng = Rng.for(seed, statusId, 6);
  const v = new Float32Array(dims);
  let sum = 0;
  for (let d = 0; d < dims; d++) {
    const x = rng.next() * 2 - 1;
    v[d] = x;
    sum += x * x;
  }
  const scale = 1 / Math.sqrt(sum);
  for (let d = 0; d < dims; d++) v[d] = v[d]! * scale;
  return new Uint8Array(v.buffer);
}
