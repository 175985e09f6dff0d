import { describe, expect, it } from 'vitest';
import type { Engine } from '../engine';
import { useTestEngines } from '../../test/support/engine';
import { readSetting, writeSetting, type SettingKey } from './settings';

const engines = useTestEngines();

async function storeRaw(engine: Engine, rows: Record<string, string>): Promise<void> {
  await engine.write(async (tx) => {
    for (const [key, value] of Object.entries(rows))
      await tx.run(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        [key, value],
      );
  });
}

async function rawValue(engine: Engine, key: SettingKey): Promise<string | undefined> {
  const row = await engine.read((tx) =>
    tx.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]),
  );
  return row?.value;
}

/** Each setting as earlier versions of Corgi stored it. */
const STORED_BEFORE = {
  'privacy.level': '"FULL"',
  'privacy.retentionDays': '90',
  'posts.keepMonths': '6',
  'posts.retention':
    '{"cursor":{"at":1700000000000,"id":42},"cutoff":1690000000000,"lastRunAt":null,"lastDropped":0,"dropping":3}',
  // Before the discovery share and the count of examples; learning had moved recency then.
  ranking:
    '{"preset":"friends","manual":{"author":3},"learned":{"recency":0.5,"tags":0.25},"bias":-2,"learning":false}',
  // Written by SQL as CAST(max(served_at) + 1 AS TEXT).
  learning_served_up_to: '1700000000001',
  // Before the target's name was kept.
  integrity: '{"completedAt":null,"progress":{"target":3,"after":[17]}}',
};

describe('settings', () => {
  it('reads every setting as earlier versions stored it', async () => {
    const { engine, api } = await engines.open();
    await storeRaw(engine, STORED_BEFORE);
    const read = <K extends SettingKey>(key: K) => engine.read((tx) => readSetting(tx, key));

    expect(await read('privacy.level')).toBe('FULL');
    expect(await read('privacy.retentionDays')).toBe(90);
    expect(await read('posts.keepMonths')).toBe(6);
    expect(await read('posts.retention')).toEqual({
      cursor: { at: 1700000000000, id: 42 },
      cutoff: 1690000000000,
      lastRunAt: null,
      lastDropped: 0,
      dropping: 3,
    });
    expect(await read('ranking')).toEqual({
      preset: 'friends',
      manual: { author: 3 },
      learned: { tags: 0.25 },
      bias: -2,
      learning: false,
      discoveryShare: 0.2,
      examples: 0,
    });
    expect(await read('learning_served_up_to')).toBe(1700000000001);
    expect(await read('integrity')).toEqual({ completedAt: null, progress: { target: 3, after: [17] } });

    // What the person sees of them.
    expect(await api.privacy.get()).toEqual({ level: 'FULL', retentionDays: 90 });
    expect((await api.storage.retention()).keepMonths).toBe(6);
    const ranking = await api.ranking.settings();
    expect(ranking).toMatchObject({ preset: 'friends', learning: false, discoveryShare: 0.2 });
    expect(ranking.features.find((f) => f.feature === 'author')).toMatchObject({ prior: 3, manual: true });
    expect(ranking.features.find((f) => f.feature === 'recency')!.learned).toBe(0);
  });

  it('stores each value as JSON, byte for byte as before', async () => {
    const { engine } = await engines.open();
    await engine.write(async (tx) => {
      await writeSetting(tx, 'privacy.level', 'NONE');
      await writeSetting(tx, 'posts.keepMonths', null);
      await writeSetting(tx, 'learning_served_up_to', 1700000000001);
      await writeSetting(tx, 'integrity', { completedAt: 5, progress: null });
    });
    expect(await rawValue(engine, 'privacy.level')).toBe('"NONE"');
    expect(await rawValue(engine, 'posts.keepMonths')).toBe('null');
    expect(await rawValue(engine, 'learning_served_up_to')).toBe('1700000000001');
    expect(await rawValue(engine, 'integrity')).toBe('{"completedAt":5,"progress":null}');
  });

  it('keeps ranking keys it does not know across a read and a write', async () => {
    const { engine } = await engines.open();
    await storeRaw(engine, { ranking: '{"preset":"quiet","fromLater":{"x":1}}' });
    await engine.write(async (tx) => writeSetting(tx, 'ranking', await readSetting(tx, 'ranking')));
    expect(JSON.parse((await rawValue(engine, 'ranking'))!)).toMatchObject({
      preset: 'quiet',
      fromLater: { x: 1 },
    });
  });

  it('reads a value it cannot make sense of as the default', async () => {
    const { engine, api } = await engines.open();
    await storeRaw(engine, {
      'privacy.level': '"SOMETIMES"',
      'privacy.retentionDays': '{oops',
      ranking: '{"preset":"sideways","bias":"low"}',
      'posts.retention': '[]',
    });
    expect(await api.privacy.get()).toEqual({ level: 'LIMITED', retentionDays: 30 });
    const ranking = await engine.read((tx) => readSetting(tx, 'ranking'));
    expect(ranking).toMatchObject({ preset: 'balanced', bias: -2 });
    expect(await api.storage.retention()).toMatchObject({ lastRunAt: null, lastDropped: 0 });
  });

  it('refuses to store a value that does not fit, and keeps the one stored', async () => {
    const { engine } = await engines.open();
    await engine.write((tx) => writeSetting(tx, 'privacy.retentionDays', 14));
    const error = await engine
      .write((tx) => writeSetting(tx, 'privacy.retentionDays', 0))
      .catch((e: unknown) => e as Error);
    expect(error).toMatchObject({
      name: 'invalid_input',
      message: 'privacy.retentionDays: Retention must be a whole number of days from 1 to 3650.',
    });
    expect(await rawValue(engine, 'privacy.retentionDays')).toBe('14');
  });
});
