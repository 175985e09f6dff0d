import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './cli';
import { DOCS_DIR, readDocsExample } from '../../test/fixtures/docs-statuses';

let dir: string;
let out: string[];
let err: string[];

async function corgi(...args: string[]): Promise<number> {
  out = [];
  err = [];
  return runCli(['--data', path.join(dir, 'db'), ...args], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: {},
  });
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corgi-cli-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the corgi command', () => {
  it('stores a file of statuses, lists, searches and keeps them between runs', async () => {
    expect(await corgi('ingest', path.join(DOCS_DIR, 'Status.json'))).toBe(2);
    expect(err.join('\n')).toMatch(/No account yet/);

    expect(await corgi('add-account', 'reader@mastodon.social', '--id', '42')).toBe(0);
    expect(out[0]).toBe('Account 1: @reader@mastodon.social');
    expect(await corgi('ingest', path.join(DOCS_DIR, 'Status.json'))).toBe(0);
    expect(out[0]).toMatch(/1 new, 0 updated, 0 unchanged, 0 rejected/);

    expect(await corgi('timeline')).toBe(0);
    expect(out[0]).toMatch(/@gargron@mastodon\.social/i);
    expect(out[0]).toMatch(/I lost my inheritance with one wrong digit/);

    expect(await corgi('search', 'inheritance', '--json')).toBe(0);
    const found = JSON.parse(out[0]!) as { uri: string }[];
    expect(found.map((p) => p.uri)).toEqual([(readDocsExample('Status.json') as { uri: string }).uri]);

    expect(await corgi('status')).toBe(0);
    expect(out[0]).toMatch(/^ready · schema \d+ · 1 posts · file/);
  });

  it('reads JSON Lines, stores the good lines and names the bad ones', async () => {
    await corgi('add-account', 'reader@mastodon.social', '--id', '42');
    const status = readDocsExample('Status.json') as Record<string, unknown>;
    const lines = [
      JSON.stringify(status),
      JSON.stringify({ ...status, id: '2', uri: 'https://x.example/2', created_at: 'yesterday' }),
    ];
    const file = path.join(dir, 'page.jsonl');
    fs.writeFileSync(file, lines.join('\n'));
    expect(await corgi('ingest', file)).toBe(0);
    expect(out[0]).toMatch(/1 new, .* 1 rejected/);
    expect(err[0]).toMatch(/^ {2}#1 \(2\): .*created_at/);

    // A line that is not JSON is refused alone: the lines around it are stored.
    const third = JSON.stringify({ ...status, id: '3', uri: 'https://x.example/3' });
    fs.writeFileSync(file, `${lines[0]}\n{oops\n${third}\n`);
    expect(await corgi('ingest', file)).toBe(0);
    expect(out[0]).toBe(`${file}: 1 new, 0 updated, 1 unchanged, 0 rejected, 1 line not JSON`);
    expect(err[0]).toBe(`  ${file}:2: not JSON (${jsonError('{oops')})`);
    await corgi('search', 'inheritance', '--json');
    expect((JSON.parse(out[0]!) as unknown[]).length).toBe(2);

    // A file with nothing readable in it is refused whole, naming its first line.
    fs.writeFileSync(file, `{oops\nnope\n`);
    expect(await corgi('ingest', file)).toBe(2);
    expect(err[0]).toBe(`${file}:1: not JSON (${jsonError('{oops')}).`);
  });

  it('sets the privacy level, exports everything and deletes everything', async () => {
    await corgi('add-account', 'reader@mastodon.social', '--id', '42');
    await corgi('ingest', path.join(DOCS_DIR, 'Status.json'));

    expect(await corgi('privacy', '--level', 'limited', '--retention-days', '7')).toBe(0);
    expect(out[0]).toBe('LIMITED, raw interactions kept 7 days');
    expect(await corgi('privacy', '--level', 'most')).toBe(2);
    // Refused by the engine as the page's call would be, and nothing changed.
    expect(await corgi('privacy', '--retention-days', '5000')).toBe(1);
    expect(err[0]).toBe(
      'corgi: privacy.set: settings.retentionDays: Retention must be a whole number of days from 1 to 3650.',
    );
    await corgi('privacy');
    expect(out[0]).toBe('LIMITED, raw interactions kept 7 days');

    expect(await corgi('export', path.join(dir, 'export'), '--json')).toBe(0);
    const files = JSON.parse(out[0]!) as { json: string; sqlite: string };
    expect(fs.readFileSync(files.sqlite).subarray(0, 15).toString()).toBe('SQLite format 3');
    expect(fs.readFileSync(files.json, 'utf8')).toContain('I lost my inheritance');

    expect(await corgi('delete-everything')).toBe(2);
    expect(await corgi('delete-everything', '--yes')).toBe(0);
    await corgi('status', '--json');
    expect(JSON.parse(out[0]!)).toMatchObject({ state: 'ready', statuses: 0 });
    await corgi('accounts');
    expect(out[0]).toBe('No accounts.');
  });

  it('explains how to use it', async () => {
    expect(await corgi('--help')).toBe(0);
    expect(out[0]).toMatch(/^Usage: npm run corgi/);
    expect(await corgi('frobnicate')).toBe(2);
    expect(err[0]).toBe('Unknown command "frobnicate".');
    expect(await corgi('timeline', '--limit', 'ten')).toBe(2);
    expect(err[0]).toBe('--limit must be a positive whole number.');
  });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}
