import { describe, expect, it } from 'vitest';
import { useTestEngines } from '../test/support/engine';
import { docsStatuses } from '../test/fixtures/docs-statuses';
import type { DataChange } from '../src-shared/worker-api';
import { TABLE_DOMAINS } from './changes';
import { forgetModelSnapshot } from './rank/ranking-store';

const engines = useTestEngines();

describe('changes', () => {
  it('places every table of the schema in a domain', async () => {
    const { engine } = await engines.open();
    const tables = await engine.read((tx) =>
      tx.all<{ name: string }>(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'statuses_fts_%'",
      ),
    );
    expect(tables.map((t) => t.name).filter((name) => !(name in TABLE_DOMAINS))).toEqual([]);
  });

  it('tells each subscriber once per committed write which domains it changed, and nothing for a write rolled back', async () => {
    const { api, engine } = await engines.open();
    const heard: DataChange[] = [];
    const id = await api.events.subscribe((change) => heard.push(change));
    const account = await api.accounts.upsert({
      instance: 'mastodon.social',
      remoteId: '1',
      acct: 'me',
      displayName: '',
    });
    await api.ingest.statuses({
      accountId: account.id,
      timeline: 'home',
      statuses: docsStatuses().map((d) => d.status),
    });
    const [post] = await api.search.posts('inheritance');
    await api.interactions.record({ statusId: post!.id, kind: 'favourite' });
    await api.ranking.update({ preset: 'balanced' });
    await expect(
      engine.write(async (tx) => {
        await tx.run("INSERT INTO settings (key, value) VALUES ('x', '1')");
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    // Reads and writes that change nothing say nothing.
    await api.timeline.page({ order: 'chronological' });
    await api.sync.saveRelations(account.id, 'mute', []);
    await api.events.unsubscribe(id);
    await api.interactions.record({ statusId: post!.id, kind: 'bookmark' });
    expect(heard.map((c) => c.domains)).toEqual([
      ['accounts', 'ranking'],
      // (The posts name picture hosts not known before.)
      ['images', 'posts', 'timelines'],
      ['interactions'],
      ['feed', 'ranking', 'settings'],
    ]);

    // Everything deleted: every domain.
    const again = await api.events.subscribe((change) => heard.push(change));
    await api.privacy.deleteEverything();
    expect(heard.at(-1)!.domains).toEqual([...new Set(Object.values(TABLE_DOMAINS))].sort());
    await api.events.unsubscribe(again);
  });

  it('forgets the person model kept in memory when a write deletes its snapshot', async () => {
    const { api, engine } = await engines.openWithAccount();
    await api.ranking.refresh();
    const saved = async (): Promise<number> =>
      (await engine.read((tx) => tx.get<{ n: number }>('SELECT count(*) AS n FROM person_model_snapshot')))!
        .n;
    expect(await saved()).toBe(1);
    // Signing in another account changes whose timelines the model reads.
    await api.accounts.upsert({ instance: 'example.social', remoteId: '9', acct: 'other', displayName: '' });
    expect(await saved()).toBe(0);
    await api.ranking.refresh();
    expect(await saved()).toBe(1);
  });

  it('hears the saved model forgotten even when none was saved', async () => {
    const { engine } = await engines.open();
    const heard: string[] = [];
    engine.onChange((written) => {
      for (const [table, kinds] of written) heard.push(`${table}:${[...kinds].sort().join('+')}`);
    });
    await engine.write((tx) => forgetModelSnapshot(tx));
    expect(heard).toEqual(['person_model_snapshot:delete+insert']);
    expect(await engine.read((tx) => tx.get('SELECT count(*) AS n FROM person_model_snapshot'))).toEqual({
      n: 0,
    });
  });
});
