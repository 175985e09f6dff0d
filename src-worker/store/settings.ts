/**
 * The `settings` table: one row per key, its value as JSON. This module owns it. Each key is
 * declared here once, with the schema its stored value is read by and what it is while none is
 * stored; the rest of the worker reads and writes settings only through `readSetting` and
 * `writeSetting`. (Migrations keep their own SQL: they write the formats of their time.)
 *
 * A stored value its schema refuses (damaged, or written by a later Corgi) reads as the default:
 * a setting is never why a command fails. A value that does not fit is never stored.
 */
import { z } from 'zod';
import type { Tx } from '../db/database';
import { EngineError } from '../errors';
import {
  keepMonthsSchema,
  privacyLevelSchema,
  retentionDaysSchema,
} from '../../src-shared/renderer-api-schemas';
import { RANKING_PRESETS } from '../../src-shared/worker-api';
import { defaultSettings, NOT_LEARNED, type RankingSettings } from '../rank/weights';

interface Setting<T> {
  schema: z.ZodType<T>;
  /** The value while none is stored (or the stored one cannot be read). */
  fallback: () => T;
}

function setting<T>(schema: z.ZodType<T>, fallback: () => T): Setting<T> {
  return { schema, fallback };
}

/**
 * The person's ranking settings as stored: each field read on its own, a missing or unreadable one
 * taking its default (settings stored by earlier versions lack the later fields); keys this
 * version does not know are kept.
 */
const RANKING_DEFAULTS = defaultSettings();
const featureWeights = z.record(z.string(), z.number()).catch({});
const rankingSettings: z.ZodType<RankingSettings> = z.looseObject({
  preset: z.enum(RANKING_PRESETS).catch(RANKING_DEFAULTS.preset),
  manual: featureWeights,
  // Learning by an earlier version may have moved weights that are no longer learned.
  learned: featureWeights.transform((learned) =>
    Object.fromEntries(Object.entries(learned).filter(([feature]) => !NOT_LEARNED.has(feature as never))),
  ),
  bias: z.number().catch(RANKING_DEFAULTS.bias),
  learning: z.boolean().catch(RANKING_DEFAULTS.learning),
  discoveryShare: z.number().catch(RANKING_DEFAULTS.discoveryShare),
  examples: z.number().catch(RANKING_DEFAULTS.examples),
});

const postRetentionProgress = z.object({
  /** Where the pass under way has got to: posts older than this (time, then id) are left. */
  cursor: z.object({ at: z.number(), id: z.number() }).nullable(),
  /** The pass's cut-off, fixed when it began. */
  cutoff: z.number().nullable(),
  lastRunAt: z.number().nullable(),
  lastDropped: z.number(),
  dropping: z.number(),
});
export type PostRetentionProgress = z.infer<typeof postRetentionProgress>;

const integrityState = z.object({
  /** When the last background check went all the way through. */
  completedAt: z.number().nullable(),
  /** Where the one under way has got to (see db/integrity.ts). */
  progress: z
    .object({ target: z.int(), name: z.string().optional(), after: z.array(z.unknown()).nullable() })
    .nullable(),
});
export type IntegrityState = z.infer<typeof integrityState>;

const SETTINGS = {
  /** How much of the person's reading is recorded (see `PrivacyLevel`). */
  'privacy.level': setting(privacyLevelSchema, () => 'LIMITED' as const),
  /** Days raw interactions are kept at the LIMITED and NONE levels. */
  'privacy.retentionDays': setting(retentionDaysSchema, () => 30),
  /** Months posts are kept; null: for ever. */
  'posts.keepMonths': setting(keepMonthsSchema, () => null),
  /** How the background pass that drops old posts goes. */
  'posts.retention': setting(postRetentionProgress, () => ({
    cursor: null,
    cutoff: null,
    lastRunAt: null,
    lastDropped: 0,
    dropping: 0,
  })),
  /** Everything the person has said about how to rank, and what learning added. */
  ranking: setting(rankingSettings, defaultSettings),
  /** Served posts up to this time have been taken in as examples to learn from. */
  learning_served_up_to: setting(z.number(), () => 0),
  /** The weekly background check of the whole database. */
  integrity: setting(integrityState, () => ({ completedAt: null, progress: null })),
};

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = (typeof SETTINGS)[K] extends Setting<infer T> ? T : never;

export async function readSetting<K extends SettingKey>(tx: Tx, key: K): Promise<SettingValue<K>> {
  const { schema, fallback } = SETTINGS[key] as Setting<SettingValue<K>>;
  const row = await tx.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]);
  if (!row) return fallback();
  let stored: unknown;
  try {
    stored = JSON.parse(row.value);
  } catch {
    return fallback();
  }
  const read = schema.safeParse(stored);
  return read.success ? read.data : fallback();
}

/** Stores `value` as JSON, as every version has; refuses one its schema does not accept. */
export async function writeSetting<K extends SettingKey>(
  tx: Tx,
  key: K,
  value: SettingValue<K>,
): Promise<void> {
  const checked = (SETTINGS[key] as Setting<SettingValue<K>>).schema.safeParse(value);
  if (!checked.success)
    throw new EngineError(
      'invalid_input',
      `${key}: ${checked.error.issues.map((i) => i.message).join('; ')}`,
    );
  await tx.run(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    [key, JSON.stringify(value)],
  );
}
