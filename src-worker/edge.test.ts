import { afterEach, describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { createWorkerApi, type MastodonCommands } from './engine';
import { createRendererApi, deferredSurface, engineApiOf, withTestHooks, type TestHooksApi } from './edge';
import { engineErrorOf } from '../src-shared/engine-errors';
import type { DataChange, EngineErrorShape, RendererApi } from '../src-shared/worker-api';
import { useTestEngines } from '../test/support/engine';

const engines = useTestEngines();

async function refusalOf(call: Promise<unknown>): Promise<EngineErrorShape> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'the call was refused').toBeInstanceOf(Error);
  return engineErrorOf(error);
}

/** Every command of a nested table, as "group.command". */
function commandsOf(table: object, prefix = ''): string[] {
  return Object.entries(table).flatMap(([name, value]) =>
    typeof value === 'function' ? [`${prefix}${name}`] : commandsOf(value as object, `${prefix}${name}.`),
  );
}

describe("the renderer's surface", () => {
  it('refuses bad arguments as invalid_input, naming the command and the field, and lets good ones through', async () => {
    const { renderer, account } = await engines.openWithAccount();
    await renderer.privacy.set({ level: 'FULL', retentionDays: 90 });

    expect(await refusalOf(renderer.privacy.set({ retentionDays: 0 }))).toEqual({
      kind: 'invalid_input',
      message:
        'privacy.set: settings.retentionDays: Retention must be a whole number of days from 1 to 3650.',
    });
    expect(await renderer.privacy.get()).toEqual({ level: 'FULL', retentionDays: 90 });
    expect(await renderer.privacy.set({ retentionDays: 7 })).toEqual({ level: 'FULL', retentionDays: 7 });

    const sideways = { order: 'sideways' } as unknown as Parameters<RendererApi['timeline']['page']>[0];
    expect(await refusalOf(renderer.timeline.page(sideways))).toMatchObject({
      kind: 'invalid_input',
      message: expect.stringMatching(/^timeline\.page: query\.order: /) as unknown,
    });
    const search = renderer.search.posts as unknown as (...args: unknown[]) => Promise<unknown>;
    expect(await refusalOf(search())).toEqual({
      kind: 'invalid_input',
      message: 'search.posts: takes (query, limit?), not 0 arguments',
    });
    expect((await refusalOf(search('corgi', 2.5))).message).toMatch(/^search\.posts: limit: /);
    expect(await refusalOf(renderer.ranking.update({ weights: { wagging: 1 } as never }))).toEqual({
      kind: 'invalid_input',
      message: 'ranking.update: patch.weights.wagging: Unknown feature: wagging',
    });
    const blankReply = renderer.actions.perform({
      accountId: account.id,
      statusId: 1,
      action: 'reply',
      reply: { text: '  ' },
    });
    expect(await refusalOf(blankReply)).toEqual({
      kind: 'invalid_input',
      message: 'actions.perform: input.reply.text: A reply needs some text.',
    });
    // Past the schema, the command's own answer: there is no such post.
    expect((await refusalOf(renderer.interactions.record({ statusId: 1, kind: 'favourite' }))).kind).toBe(
      'not_found',
    );
  });

  it("holds the renderer's commands and none of the engine's own", async () => {
    const { api, renderer } = await engines.open();
    const everything = commandsOf(api).sort();
    const screen = commandsOf(renderer).sort();
    const engineOnly = commandsOf(engineApiOf(api)).sort();
    expect(screen).toContain('timeline.page');
    expect(engineOnly).toEqual(
      expect.arrayContaining([
        'accounts.upsert',
        'ingest.statuses',
        'ranking.embedPending',
        'sync.saveCursor',
      ]),
    );
    // Each command is on exactly one side.
    expect(screen.filter((c) => engineOnly.includes(c))).toEqual([]);
    expect([...screen, ...engineOnly].sort()).toEqual(everything);
    const reach = (path: string): unknown =>
      path
        .split('.')
        .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], renderer);
    for (const command of engineOnly) expect(reach(command), command).toBeUndefined();
  });

  it('passes a listener and a vault on untouched', async () => {
    const { engine, api } = await engines.open();
    const started: { vault?: unknown }[] = [];
    const mastodon = { start: async (options = {}) => void started.push(options) } as MastodonCommands;
    const renderer = createRendererApi(createWorkerApi(engine, () => mastodon));

    // A stand-in for a comlink proxy: reading any of its properties would be a call across.
    const vault = new Proxy(function () {}, {
      get() {
        throw new Error('the vault was read');
      },
    });
    await renderer.mastodon.start({ vault: vault as never });
    expect(started).toHaveLength(1);
    expect(started[0]!.vault).toBe(vault);

    const heard: DataChange[] = [];
    await renderer.events.subscribe((change) => void heard.push(change));
    await api.accounts.upsert({
      instance: 'mastodon.social',
      remoteId: '9',
      acct: 'ana',
      displayName: 'Ana',
    });
    expect(heard.flatMap((c) => c.domains)).toContain('accounts');
  });
});

describe('the surface exposed over comlink', () => {
  const ports: MessagePort[] = [];
  afterEach(() => {
    for (const port of ports.splice(0)) port.close();
  });

  async function connect(testHooks: boolean) {
    const { api } = await engines.open();
    const channel = new MessageChannel();
    ports.push(channel.port1, channel.port2);
    const surface = testHooks ? withTestHooks(api) : createRendererApi(api);
    Comlink.expose(deferredSurface(Promise.resolve(surface)), channel.port2);
    return Comlink.wrap<TestHooksApi>(channel.port1) as unknown as TestHooksApi;
  }

  const ana = { instance: 'mastodon.social', remoteId: '9', acct: 'ana', displayName: 'Ana' };

  it('carries a refusal across as invalid_input, and calls a proxied listener', async () => {
    const page = await connect(false);
    expect(await refusalOf(page.storage.setRetention(0))).toEqual({
      kind: 'invalid_input',
      message:
        'storage.setRetention: keepMonths: Posts are kept for ever, or for a whole number of months from 1 to 120.',
    });
    expect((await page.storage.setRetention(6)).keepMonths).toBe(6);

    const heard: DataChange[] = [];
    const listener = Comlink.proxy((change: DataChange) => void heard.push(change));
    const id = await page.events.subscribe(listener);
    await page.privacy.set({ level: 'NONE' });
    await expect.poll(() => heard.flatMap((c) => c.domains)).toContain('settings');
    await page.events.unsubscribe(id);
  });

  it("does not reach the engine's own commands, unless the build adds them under testing", async () => {
    const shipped = await connect(false);
    const upsert = shipped.accounts as unknown as TestHooksApi['testing']['accounts'];
    expect(await refusalOf(upsert.upsert(ana))).toEqual({
      kind: 'not_found',
      message: 'No such command: accounts.upsert',
    });
    expect(
      await refusalOf(shipped.testing.ingest.statuses({ accountId: 1, timeline: 'home', statuses: [] })),
    ).toEqual({ kind: 'not_found', message: 'No such command: testing.ingest.statuses' });

    const tested = await connect(true);
    const account = await tested.testing.accounts.upsert(ana);
    expect(await tested.accounts.list()).toEqual([account]);
    // The screen's commands are parsed there as everywhere.
    expect((await refusalOf(tested.accounts.setDefault('ana' as never))).kind).toBe('invalid_input');
  });
});
