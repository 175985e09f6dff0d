/**
 * Real status bodies (Mastodon's documentation, GoToSocial's and Akkoma's own tests and API
 * documentation: test/fixtures/*), each field in turn set to null, removed, or given a value of the
 * wrong type: the status is still read and stored, with the field left out; only a mutation of a
 * core field (id, URI, author, creation time) refuses it. Then random combinations of such
 * mutations at once, as a property.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as m from '../../src-shared/mastodon/entities';
import { useTestEngines } from '../../test/support/engine';
import { parseStatus } from './normalize';

const FIXTURES = path.join(import.meta.dirname, '../../test/fixtures');
const BODIES = [
  'mastodon-docs/Status.json',
  'mastodon-docs/Status.streaming-update-event.json',
  'mastodon-docs/Status.streaming-status.update-event.json',
  'gotosocial/Status.public-with-media.json',
  'gotosocial/Status.remote-reply-unknown-attachments.json',
  'gotosocial/Status.private-partial-interactions.json',
  'akkoma/Status.json',
];

type Json = Record<string, unknown>;
type Path = (string | number)[];

const read = (file: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as Json;

/** Fields Corgi cannot do without: any change to these refuses the status. */
const CORE = new Set(['id', 'uri', 'created_at', 'account', 'account.id', 'account.acct']);

/** The entity at a path (arrays by "[]"), whose schema says which keys Corgi reads. */
const ENTITIES: Record<string, z.ZodObject> = {
  '': m.innerStatusSchema,
  account: m.accountSchema,
  'account.fields[]': m.accountFieldSchema,
  'account.emojis[]': m.customEmojiSchema,
  'media_attachments[]': m.mediaAttachmentSchema,
  'mentions[]': m.mentionSchema,
  'tags[]': m.statusTagSchema,
  'emojis[]': m.customEmojiSchema,
  card: m.previewCardSchema,
  poll: m.pollSchema,
  'poll.emojis[]': m.customEmojiSchema,
  'filtered[]': m.filterResultSchema,
};

const shapeKey = (p: Path) =>
  p
    .map((k) => (typeof k === 'number' ? '[]' : `.${k}`))
    .join('')
    .replace(/^\./, '')
    .replace(/\.\[\]/g, '[]');
const dotted = (p: Path) => p.filter((k) => typeof k === 'string').join('.');

/** Whether Corgi's schema reads the field at `p` (rather than passing it through untouched). */
function known(p: Path): boolean {
  const parent = shapeKey(p.slice(0, -1));
  const entity = ENTITIES[parent];
  const key = p[p.length - 1];
  return entity !== undefined && typeof key === 'string' && key in entity.shape;
}

/** Every field of a body, objects and lists included (the first item of each list). */
function paths(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.length > 0 ? paths(value[0], [...prefix, 0]) : [];
  if (value === null || typeof value !== 'object') return [];
  const out: Path[] = [];
  for (const [key, child] of Object.entries(value)) {
    out.push([...prefix, key]);
    out.push(...paths(child, [...prefix, key]));
  }
  return out;
}

function valueAt(root: unknown, p: Path): unknown {
  let value = root;
  for (const key of p) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/**
 * A value of another type than `value`'s. (A `reblog` that is an object is a boost: one whose
 * boosted post cannot be read is refused, tested on its own below.)
 */
function wrongType(value: unknown, key: string | number): unknown {
  if (key === 'reblog') return 'not a status';
  if (typeof value === 'string') return { wrong: true };
  if (typeof value === 'number') return 'many';
  if (typeof value === 'boolean') return 'yes';
  if (Array.isArray(value)) return 'not a list';
  if (value === null) return { wrong: true };
  return 7;
}

type Mutation = 'null' | 'removed' | 'wrong type';
const MUTATIONS: Mutation[] = ['null', 'removed', 'wrong type'];

function mutate(body: Json, p: Path, mutation: Mutation): Json {
  const copy = structuredClone(body);
  const parent = valueAt(copy, p.slice(0, -1)) as Record<string | number, unknown>;
  const key = p[p.length - 1]!;
  if (mutation === 'removed') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else parent[key] = mutation === 'null' ? null : wrongType(parent[key], key);
  return copy;
}

/** Core fields are in CORE; so is everything inside the author but its optional fields. */
const isCore = (p: Path) => CORE.has(dotted(p)) && !p.some((k) => typeof k === 'number');

const engines = useTestEngines();

describe.each(BODIES)('every field of %s', (file) => {
  const body = read(file);
  const all = paths(body);
  const optional = all.filter((p) => !isCore(p));
  const core = all.filter(isCore);

  it('parses untouched, and keeps its core fields', () => {
    const parsed = parseStatus(body);
    expect(parsed.ok && parsed.status.uri).toBe(body.uri);
    expect(core.map(dotted).sort()).toEqual([
      'account',
      'account.acct',
      'account.id',
      'created_at',
      'id',
      'uri',
    ]);
  });

  it('stores the status when any other field is null, removed, or of the wrong type, and leaves that field out', async () => {
    const { api, account } = await engines.openWithAccount();
    const variants: Json[] = [];
    for (const p of optional)
      for (const mutation of MUTATIONS) {
        const mutated = mutate(body, p, mutation);
        const parsed = parseStatus(mutated);
        const where = `${dotted(p)} ${mutation}`;
        expect(parsed.ok, where).toBe(true);
        if (!parsed.ok) continue;
        if (mutation === 'wrong type' && known(p)) {
          // Read by Corgi: dropped and counted, never passed on with the wrong type.
          expect(parsed.dropped.size, where).toBeGreaterThan(0);
          expect(valueAt(parsed.status, p), where).not.toEqual(valueAt(mutated, p));
        }
        variants.push({
          ...mutated,
          id: `${variants.length + 1}`,
          uri: `https://fuzz.example/${variants.length}`,
        });
      }
    // And stored, every one of them, by the real engine.
    for (let i = 0; i < variants.length; i += 100) {
      const result = await api.ingest.statuses({
        accountId: account.id,
        timeline: 'home',
        statuses: variants.slice(i, i + 100),
      });
      expect(result.rejected).toEqual([]);
      expect(result.inserted).toBe(Math.min(100, variants.length - i));
    }
  });

  it('refuses the status when a core field is null, removed, or of the wrong type, and names it', () => {
    for (const p of core)
      for (const mutation of MUTATIONS) {
        const parsed = parseStatus(mutate(body, p, mutation));
        expect(parsed.ok, `${dotted(p)} ${mutation}`).toBe(false);
        if (!parsed.ok) expect(parsed.error).toContain(String(p[p.length - 1]));
      }
  });

  it('reads any mix of mutated optional fields at once, its core intact', () => {
    const mutation = fc.record({
      index: fc.nat({ max: optional.length - 1 }),
      kind: fc.constantFrom(...MUTATIONS),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 12 }), (changes) => {
        let mutated = body;
        for (const { index, kind } of changes) {
          const p = optional[index]!;
          // A change higher up may have removed this field's parent, or made it something else.
          const parent = valueAt(mutated, p.slice(0, -1));
          if (parent === null || typeof parent !== 'object') continue;
          mutated = mutate(mutated, p, kind);
        }
        const parsed = parseStatus(mutated);
        const applied = changes.map(({ index, kind }) => `${dotted(optional[index]!)} ${kind}`).join(', ');
        expect(parsed.ok ? '' : `${applied}: ${parsed.error}`).toBe('');
        if (!parsed.ok) return;
        expect(parsed.status.id).toBe(body.id);
        expect(parsed.status.uri).toBe(body.uri);
        expect(parsed.status.account.acct).toBe((body.account as Json).acct);
      }),
      { numRuns: 300, seed: 16 },
    );
  });
});

describe('a boost', () => {
  it('whose boosted post cannot be read is refused with it, naming the field', () => {
    const boosted = read('mastodon-docs/Status.json');
    const wrapper = {
      ...read('mastodon-docs/Status.streaming-update-event.json'),
      content: '',
      reblog: boosted,
    };
    expect(parseStatus(wrapper).ok).toBe(true);
    const { uri: _uri, ...unreadable } = boosted;
    const refused = parseStatus({ ...wrapper, reblog: unreadable });
    expect(refused.ok ? '' : refused.error).toMatch(/reblog\.uri/);
  });
});
