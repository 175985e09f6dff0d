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

interface Notes {
  dropped: Map<string, number> | null;
  cuts: TextCut[] | null;
}

let current: Notes | null = null;

/** Counts a dropped field in the parse under way (for schemas that drop a field their own way). */
export function noteDrop(field: string): void {
  if (!current) return;
  current.dropped ??= new Map();
  current.dropped.set(field, (current.dropped.get(field) ?? 0) + 1);
}

function noteCut(cut: TextCut): void {
  if (!current) return;
  (current.cuts ??= []).push(cut);
}

function merge(into: Notes, from: Notes): void {
  if (from.dropped) for (const [field, n] of from.dropped) noteDropInto(into, field, n);
  if (from.cuts) (into.cuts ??= []).push(...from.cuts);
}

function noteDropInto(notes: Notes, field: string, n: number): void {
  notes.dropped ??= new Map();
  notes.dropped.set(field, (notes.dropped.get(field) ?? 0) + n);
}

/**
 * Parses a part that may be dropped as a whole: what it noted counts only if it is kept (a card
 * dropped for a missing URL does not also count its wrong-typed width).
 */
function attempt<T>(schema: z.ZodType<T>, value: unknown): z.ZodSafeParseResult<T> {
  const outer = current;
  const mine: Notes = { dropped: null, cuts: null };
  current = mine;
  let result: z.ZodSafeParseResult<T>;
  try {
    result = schema.safeParse(value);
  } finally {
    current = outer;
  }
  if (result.success && outer) merge(outer, mine);
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
  const notes: Notes = { dropped: null, cuts: null };
  current = notes;
  try {
    const result = schema.safeParse(raw);
    const extra = { dropped: notes.dropped ?? NOTHING_DROPPED, cuts: notes.cuts ?? [] };
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
  return z
    .unknown()
    .optional()
    .transform((value): T | F => {
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
  return z
    .unknown()
    .optional()
    .transform((value): T[] => {
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
  return z
    .unknown()
    .optional()
    .transform((value): V[number] | 'unknown' | F => {
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
  return z.string().transform((text) => {
    if (text.length <= max) return text;
    noteCut({ field, length: text.length, kept: max });
    return cutText(text, max, options.html);
  });
}

/** Optional text: absent, null or not a string is `fallback` (the last noted); cut past `max`. */
export function text<F = ''>(field: string, max: number, options: { html?: boolean; fallback?: F } = {}) {
  return optional(field, limited(field, max, options), ('fallback' in options ? options.fallback : '') as F);
}

/**
 * A link: a string of at most `max` characters. A longer one is dropped rather than cut, since a
 * cut address leads somewhere else.
 */
export function link(field: string, max: number) {
  return optional(field, z.string().max(max));
}

/** A count: a non-negative integer, or one written as a string of digits; anything else is 0. */
export function count(field: string) {
  return optional(
    field,
    z.union([
      z.number().int().nonnegative(),
      z
        .string()
        .regex(/^\d{1,15}$/)
        .transform(Number),
    ]),
    0,
  );
}

/** A flag; anything but a boolean is `fallback`. */
export function flag<F extends boolean | undefined = false>(field: string, fallback: F = false as F) {
  return optional(field, z.boolean(), fallback);
}

/** An id: a non-empty string, or a number some servers send (ids are strings everywhere else). */
export const id = z.union([
  z.string().min(1).max(1000),
  z
    .number()
    .int()
    .nonnegative()
    .transform((n) => String(n)),
]);

/** A time that `Date.parse` reads (ISO 8601, and the date-only form Mastodon uses for some). */
export const time = z
  .string()
  .max(100)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a time');

/** An optional time: unreadable ones are dropped. */
export function optionalTime(field: string) {
  return optional(field, time);
}
