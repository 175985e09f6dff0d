/**
 * Building blocks for parsing what a Mastodon-API server sends: strict where Corgi cannot work
 * without a field, liberal everywhere else.
 *
 * Servers that speak the Mastodon API differ in the details: `null` where Mastodon sends `[]`, a
 * field of another type, a value of an enumeration Mastodon does not have, a field left out. An
 * optional field that is absent or `null` takes its default; one of the wrong type is dropped and
 * counted; an unknown enumeration value becomes "unknown"; text over its limit is cut, and the cut is
 * noted. Only a core field (an id, a URI, an author, a creation time) refuses the entity it is in.
 *
 * Drops and cuts are noted in the parse under way, so the caller can count them per server and
 * field instead of logging every post. Zod parses synchronously and JavaScript runs one parse at a
 * time, so the parse under way is a module variable set around `parseLeniently`, rather than a
 * context threaded through every schema (zod has no such context).
 */
import { z } from 'zod';

export interface TextCut {
  /** "Status.content", "Account.display_name"… */
  field: string;
  /** Its length as received, in UTF-16 code units. */
  length: number;
  /** What was kept. */
  kept: number;
}

/**
 * What the parse under way noted, in order. Logs rather than counts, so that a part dropped as a
 * whole can take back what it noted by truncating them (no allocation per part: ingest parses
 * every field of every status).
 */
interface Notes {
  dropped: string[];
  cuts: TextCut[];
}

let current: Notes | null = null;

/** Counts a dropped field in the parse under way (for schemas that drop a field their own way). */
export function noteDrop(field: string): void {
  current?.dropped.push(field);
}

function noteCut(cut: TextCut): void {
  current?.cuts.push(cut);
}

/**
 * Parses a part that may be dropped as a whole: what it noted counts only if it is kept (a card
 * dropped for a missing URL does not also count its wrong-typed width).
 */
function attempt<T>(schema: z.ZodType<T>, value: unknown): z.ZodSafeParseResult<T> {
  const notes = current;
  const dropped = notes?.dropped.length ?? 0;
  const cuts = notes?.cuts.length ?? 0;
  const result = schema.safeParse(value);
  if (!result.success && notes) {
    notes.dropped.length = dropped;
    notes.cuts.length = cuts;
  }
  return result;
}

export type LenientResult<T> = (
  { success: true; data: T; error?: undefined } | { success: false; data?: undefined; error: z.ZodError }
) & {
  /** Wrong-typed optional fields dropped, by "Entity.field", with how many times. */
  dropped: ReadonlyMap<string, number>;
  /** Texts cut to their limit. */
  cuts: readonly TextCut[];
};

const NOTHING_DROPPED: ReadonlyMap<string, number> = new Map();

/** Parses `raw`, returning what was dropped and cut on the way. */
export function parseLeniently<T>(schema: z.ZodType<T>, raw: unknown): LenientResult<T> {
  const outer = current;
  const notes: Notes = { dropped: [], cuts: [] };
  current = notes;
  try {
    const result = schema.safeParse(raw);
    let dropped = NOTHING_DROPPED;
    if (notes.dropped.length > 0) {
      const counts = new Map<string, number>();
      for (const field of notes.dropped) counts.set(field, (counts.get(field) ?? 0) + 1);
      dropped = counts;
    }
    const extra = { dropped, cuts: notes.cuts };
    return result.success
      ? { success: true, data: result.data, ...extra }
      : { success: false, error: result.error, ...extra };
  } finally {
    current = outer;
  }
}

const absent = (value: unknown): value is null | undefined => value === null || value === undefined;

/**
 * An optional field: absent or null gives `fallback`; a value `schema` refuses is dropped (noted
 * as `field`) and gives `fallback` too.
 */
export function optional<T, F = undefined>(field: string, schema: z.ZodType<T>, fallback?: F) {
  return z.transform((value: unknown): T | F => {
    if (absent(value)) return fallback as F;
    const parsed = attempt(schema, value);
    if (parsed.success) return parsed.data;
    noteDrop(field);
    return fallback as F;
  });
}

/**
 * A list: absent or null is empty; a value that is not a list is dropped; each item `item` refuses
 * is dropped alone (noted as `field[]`); past `max` items the rest are cut.
 */
export function list<T>(field: string, item: z.ZodType<T>, max = 1000) {
  return z.transform((value: unknown): T[] => {
    if (absent(value)) return [];
    if (!Array.isArray(value)) {
      noteDrop(field);
      return [];
    }
    if (value.length > max) noteCut({ field, length: value.length, kept: max });
    const out: T[] = [];
    for (const raw of value.length > max ? value.slice(0, max) : value) {
      const parsed = attempt(item, raw);
      if (parsed.success) out.push(parsed.data);
      else noteDrop(`${field}[]`);
    }
    return out;
  });
}

/**
 * One of `values`; any other string is kept as "unknown" (servers add their own: Pleroma's `local`
 * visibility, GoToSocial's pending notifications); a value that is not a string is dropped.
 */
export function known<const V extends readonly string[], F = undefined>(
  field: string,
  values: V,
  fallback?: F,
) {
  const set = new Set<string>(values);
  return z.transform((value: unknown): V[number] | 'unknown' | F => {
    if (absent(value)) return fallback as F;
    if (typeof value !== 'string') {
      noteDrop(field);
      return fallback as F;
    }
    return set.has(value) ? (value as V[number]) : 'unknown';
  });
}

/**
 * Cuts `text` to `max` code units, never inside a surrogate pair, and for HTML never inside a tag
 * (what is left of an unfinished tag is dropped; an element left open is closed by the parser
 * that reads it).
 */
export function cutText(text: string, max: number, html = false): string {
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  let cut = text.slice(0, end);
  if (html) {
    const open = cut.lastIndexOf('<');
    if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  }
  return `${cut}…`;
}

/** Text of at most `max` code units: longer text is cut and the cut noted. */
export function limited(field: string, max: number, options: { html?: boolean } = {}) {
  return z.string().transform((text) => limitText(field, text, max, options.html));
}

function limitText(field: string, text: string, max: number, html?: boolean): string {
  if (text.length <= max) return text;
  noteCut({ field, length: text.length, kept: max });
  return cutText(text, max, html);
}

/**
 * A field of a plain type, read by `read` (undefined: the wrong type): absent or null gives
 * `fallback`; a value of the wrong type is dropped and gives `fallback` too. Checked here rather
 * than by a nested schema: ingest reads every field of every status.
 */
function primitive<T, F>(field: string, read: (value: unknown) => T | undefined, fallback: F) {
  return z.transform((value: unknown): T | F => {
    if (absent(value)) return fallback;
    const read_ = read(value);
    if (read_ !== undefined) return read_;
    noteDrop(field);
    return fallback;
  });
}

/** Optional text: absent, null or not a string is `fallback` (the last noted); cut past `max`. */
export function text<F = ''>(field: string, max: number, options: { html?: boolean; fallback?: F } = {}) {
  const fallback = ('fallback' in options ? options.fallback : '') as F;
  return primitive(
    field,
    (value) => (typeof value === 'string' ? limitText(field, value, max, options.html) : undefined),
    fallback,
  );
}

/** An optional string of at most `max` characters, else `fallback` (too long is the wrong type). */
export function shortString<F = undefined>(field: string, max: number, fallback?: F) {
  return primitive(
    field,
    (value) => (typeof value === 'string' && value.length <= max ? value : undefined),
    fallback as F,
  );
}

/**
 * A link: a string of at most `max` characters. A longer one is dropped rather than cut, since a
 * cut address leads somewhere else.
 */
export function link(field: string, max: number) {
  return shortString(field, max);
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** A count: a non-negative integer, or one written as a string of digits; anything else is 0. */
export function count(field: string) {
  return primitive(
    field,
    (value) =>
      isCount(value)
        ? value
        : typeof value === 'string' && /^\d{1,15}$/.test(value)
          ? Number(value)
          : undefined,
    0,
  );
}

/** An optional non-negative integer, else `fallback`. */
export function whole<F = undefined>(field: string, fallback?: F) {
  return primitive(field, (value) => (isCount(value) ? value : undefined), fallback as F);
}

/** A flag; anything but a boolean is `fallback`. */
export function flag<F extends boolean | undefined = false>(field: string, fallback: F = false as F) {
  return primitive(field, (value) => (typeof value === 'boolean' ? value : undefined), fallback);
}

const readId = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value.length > 0 && value.length <= 1000
      ? value
      : undefined
    : isCount(value)
      ? String(value)
      : undefined;

/** An id: a non-empty string, or a number some servers send (ids are strings everywhere else). */
export const id = z.union([
  z.string().min(1).max(1000),
  z
    .number()
    .int()
    .nonnegative()
    .max(Number.MAX_SAFE_INTEGER)
    .transform((n) => String(n)),
]);

/**
 * A reply's or quote's target: an id, except Akkoma's "_", which stands for a post the server
 * knows of but cannot show (lib/pleroma/web/mastodon_api/views/status_view.ex `@ghost_flake_id`):
 * no target Corgi can look up, so none.
 */
export function targetId<F = undefined>(field: string, fallback?: F) {
  return primitive(field, (value) => (value === '_' ? (fallback as F) : readId(value)), fallback as F);
}

/** An optional id, else `fallback`. */
export function optionalId<F = undefined>(field: string, fallback?: F) {
  return primitive(field, readId, fallback as F);
}

const readTime = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length <= 100 && !Number.isNaN(Date.parse(value)) ? value : undefined;

/** A time that `Date.parse` reads (ISO 8601, and the date-only form Mastodon uses for some). */
export const time = z
  .string()
  .max(100)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a time');

/** An optional time, else `fallback`: unreadable ones are dropped. */
export function optionalTime<F = undefined>(field: string, fallback?: F) {
  return primitive(field, readTime, fallback as F);
}
