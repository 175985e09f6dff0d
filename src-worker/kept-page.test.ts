import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { docsStatuses } from '../test/fixtures/docs-statuses';
import { useTestEngines } from '../test/support/engine';
import { KEPT_PAGE_FILE } from './node/open-node-engine';
import { KEPT_PAGE_FORMAT, parseKeptPage } from './kept-page-format';
import { FIRST_PAGE_SIZE, type DataChange } from '../src-shared/worker-api';

const NOW = Date.parse('2026-06-01T09:30:00Z');
const engines = useTestEngines();
/** Long enough never to fire in a test: keeps are made with flush(). */
const LATER = 60_000;
const FIRST = { order: 'ranked', limit: FIRST_PAGE_SIZE } as const;

/** A file database with the documentation's posts stored and ranked, kept by its engine. */
async function keeping(served?: string) {
  const dir = engines.tempDir();
  const opened = await engines.openWithAccount({
    directory: dir,
    now: () => NOW,
    keepFirstPage: { delayMs: LATER, served },
  });
  const statuses = docsStatuses().map((d) => d.status);
  await opened.api.ingest.statuses({ accountId: opened.account.id, timeline: 'home', statuses });
  const keptFile = path.join(dir, KEPT_PAGE_FILE);
  const kept = () => (fs.existsSync(keptFile) ? fs.readFileSync(keptFile, 'utf8') : null);
  return { ...opened, dir, statuses, kept };
}

describe('the first page kept for the next start', () => {
  it('is the page and picture hosts the engine serves, written once a change to it settles', async () => {
    const { engine, api, kept } = await keeping();
    // Stored but not ranked: nothing to keep yet (the engine's first page ranks).
    await engine.keeper!.flush();
    expect(kept()).toBeNull();

    const page = await api.timeline.page(FIRST);
    expect(page.posts.length).toBeGreaterThan(0);
    expect(engine.keeper!.pending).toBe(true);
    await engine.keeper!.flush();
    const parsed = parseKeptPage(kept()!);
    expect(parsed).toEqual({ hosts: await api.images.hosts(), page: JSON.parse(JSON.stringify(page)) });
    // (What JSON drops, undefined fields, the page as sent does not need.)
    expect(parsed!.page).toEqual(page);
  });

  it('is written again when a post on it changes, and not for writes that leave it as it is', async () => {
    const { engine, api, account, statuses, kept } = await keeping();
    const page = await api.timeline.page(FIRST);
    await engine.keeper!.flush();
    const before = kept();

    // Serving the page logs it (the ranking's own table): the page is the same.
    await api.timeline.served(
      page.posts.map((p) => p.id),
      NOW,
    );
    expect(engine.keeper!.pending).toBe(false);

    // The server says the person favourited the first post, and its count grew.
    const first = page.posts[0]!;
    const status = statuses.find((s) => s.uri === first.uri)!;
    await api.ingest.statuses({
      accountId: account.id,
      timeline: 'home',
      statuses: [{ ...status, favourited: true, favourites_count: first.favourites + 5 }],
    });
    expect(engine.keeper!.pending).toBe(true);
    await engine.keeper!.flush();
    const after = parseKeptPage(kept()!)!.page.posts.find((p) => p.uri === first.uri)!;
    expect(kept()).not.toBe(before);
    expect(after.favourites).toBe(first.favourites + 5);
    expect(after.own).toContainEqual(expect.objectContaining({ accountId: account.id, favourited: true }));
  });

  it('is gone with everything else, even when a keep was being written as everything went', async () => {
    const { engine, api, account, statuses, kept, dir } = await keeping();
    const page = await api.timeline.page(FIRST);
    await engine.keeper!.flush();
    expect(kept()).not.toBeNull();
    // A keep under way, its write held back, when the person deletes everything.
    const store = engine.host.keptPage!;
    const write = store.write.bind(store);
    let release!: () => void;
    let writing!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const entered = new Promise<void>((resolve) => (writing = resolve));
    store.write = async (text) => {
      writing();
      await held;
      await write(text);
    };
    const first = page.posts[0]!;
    await api.ingest.statuses({
      accountId: account.id,
      timeline: 'home',
      statuses: [{ ...statuses.find((s) => s.uri === first.uri)!, favourites_count: first.favourites + 1 }],
    });
    const keep = engine.keeper!.flush();
    await entered;
    const deleting = api.privacy.deleteEverything();
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await Promise.allSettled([keep, deleting]);
    expect(kept()).toBeNull();
    await engine.keeper!.flush();
    expect(kept()).toBeNull();
    expect(fs.readdirSync(dir)).not.toContain(KEPT_PAGE_FILE);
  });

  it('checks the page served at start against the database, and says so when it was older', async () => {
    const { engine, api, account, statuses, kept, dir } = await keeping();
    const page = await api.timeline.page(FIRST);
    await engine.keeper!.flush();
    const servedText = kept()!;
    // A change the keeper had no time to keep: the app was closed at once.
    const first = page.posts[0]!;
    const status = statuses.find((s) => s.uri === first.uri)!;
    await api.ingest.statuses({
      accountId: account.id,
      timeline: 'home',
      statuses: [{ ...status, reblogs_count: first.reblogs + 3 }],
    });
    await engine.keeper!.stop();
    await engine.close();

    const reopened = await engines.open({
      directory: dir,
      now: () => NOW,
      keepFirstPage: { delayMs: LATER, served: servedText },
    });
    // The page subscribes after the check, and hears of it still.
    await reopened.engine.keeper!.settled();
    const heard: DataChange[] = [];
    await reopened.api.events.subscribe((change) => heard.push(change));
    expect(heard).toEqual([{ domains: ['firstPage'] }]);
    expect(parseKeptPage(kept()!)!.page.posts.find((p) => p.uri === first.uri)!.reblogs).toBe(
      first.reblogs + 3,
    );

    // Served as it is in the database: nothing to say.
    await reopened.engine.close();
    const current = kept()!;
    const again = await engines.open({
      directory: dir,
      now: () => NOW,
      keepFirstPage: { delayMs: LATER, served: current },
    });
    await again.engine.keeper!.settled();
    const heardAgain: DataChange[] = [];
    await again.api.events.subscribe((change) => heardAgain.push(change));
    expect(heardAgain).toEqual([]);
    expect(kept()).toBe(current);
  });

  it('is kept before the command answers when an account is signed out or a picture host allowed', async () => {
    const { engine, api, account, kept } = await keeping();
    const other = await api.accounts.upsert({
      instance: 'example.social',
      remoteId: '9',
      acct: 'other',
      displayName: '',
    });
    await api.ingest.statuses({
      accountId: other.id,
      timeline: 'home',
      statuses: [
        { ...docsStatuses()[0]!.status, id: '990001', uri: 'https://example.social/users/x/statuses/990001' },
      ],
    });
    await api.timeline.page(FIRST);
    await engine.keeper!.flush();
    const seenBy = (text: string | null) =>
      new Set(parseKeptPage(text!)!.page.posts.flatMap((p) => p.seenBy));
    expect(seenBy(kept())).toEqual(new Set([account.id, other.id]));

    // No flush: the command's answer comes once the kept page no longer holds the account's posts.
    await api.accounts.remove(other.id);
    expect(seenBy(kept())).toEqual(new Set([account.id]));

    await api.images.add(['pictures.example']);
    expect(parseKeptPage(kept()!)!.hosts).toContain('pictures.example');

    // A kept page that cannot be written after such a change is not left as it was.
    engine.host.keptPage!.write = async () => {
      throw new Error('No space left on the device');
    };
    await api.images.add(['other-pictures.example']);
    expect(kept()).toBeNull();
  });

  it('is not used when it is of another format, cut short or not a page', async () => {
    const { engine, api, kept } = await keeping();
    await api.timeline.page(FIRST);
    await engine.keeper!.flush();
    const text = kept()!;
    expect(parseKeptPage(text)).not.toBeNull();
    expect(parseKeptPage(text.slice(0, text.length - 1))).toBeNull();
    expect(
      parseKeptPage(text.replace(`"format":${KEPT_PAGE_FORMAT}`, `"format":${KEPT_PAGE_FORMAT + 1}`)),
    ).toBeNull();
    expect(parseKeptPage('null')).toBeNull();
    expect(parseKeptPage('{"format":1,"hosts":[],"page":{"posts":[],"nextCursor":null}}')).toBeNull();
    expect(parseKeptPage('{"format":1,"hosts":[1],"page":{"posts":[{}],"nextCursor":null}}')).toBeNull();
  });
});

/**
 * The declarations `TimelinePage` is made of in src-shared/worker-api.ts, each as written (without
 * comments), in order: what a kept page of this format holds.
 */
function keptPageShape(): string {
  const file = path.join(import.meta.dirname, '../src-shared/worker-api.ts');
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const declarations = new Map<string, ts.Node>();
  for (const statement of source.statements)
    if (
      ts.isInterfaceDeclaration(statement) ||
      ts.isTypeAliasDeclaration(statement) ||
      ts.isVariableStatement(statement)
    ) {
      const names = ts.isVariableStatement(statement)
        ? statement.declarationList.declarations.map((d) => d.name.getText(source))
        : [statement.name.text];
      for (const name of names) declarations.set(name, statement);
    }
  const seen = new Set<string>();
  const parts: string[] = [];
  const visit = (name: string): void => {
    const declaration = declarations.get(name);
    if (!declaration || seen.has(name)) return;
    seen.add(name);
    const printer = ts.createPrinter({ removeComments: true });
    parts.push(printer.printNode(ts.EmitHint.Unspecified, declaration, source));
    // (Every name it uses that this file declares: types, and constants a type is made from.)
    const walk = (node: ts.Node): void => {
      if (ts.isIdentifier(node)) visit(node.text);
      ts.forEachChild(node, walk);
    };
    ts.forEachChild(declaration, walk);
  };
  visit('TimelinePage');
  return parts.join('\n');
}

describe('the kept page format', () => {
  it('is changed whenever what a page holds changes', () => {
    const shape = crypto.createHash('sha256').update(keptPageShape()).digest('hex').slice(0, 16);
    // A kept page holds a TimelinePage: when it (or a type it is made of) changes, a page kept by
    // an earlier version must not be served to this one. Raise KEPT_PAGE_FORMAT in
    // kept-page-format.ts, and record here the format and the shape this test prints.
    expect({ format: KEPT_PAGE_FORMAT, shape }).toEqual({ format: 1, shape: '0f38868f026069f5' });
  });
});
