/**
 * `npm run corgi -- <command>`: the data engine from a terminal, on a database directory of its
 * own (not the app's OPFS store). Useful to load a dump of Mastodon statuses, look at what the engine
 * makes of them, and export or delete it all.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { createWorkerApi } from '../engine';
import { createRendererApi, engineApiOf } from '../edge';
import {
  PRIVACY_LEVELS,
  type EngineApi,
  type PostView,
  type PrivacyLevel,
  type RendererApi,
} from '../../src-shared/worker-api';
import { openNodeEngine } from './open-node-engine';

export const USAGE = `Usage: npm run corgi -- <command> [options]

Commands:
  status                              the database: where, schema, how many posts
  accounts                            the accounts known to the database
  add-account ACCT@SERVER --id ID     add (or update) an account; --name NAME, --default
  ingest FILE [FILE…]                 store Mastodon Status JSON: an array, one object, or JSON Lines;
                                      --account ID (default: the default account), --timeline NAME (home)
  timeline                            the stored posts, ranked; --chronological, --limit N, --cursor C
  search QUERY                        full-text search over post text, authors and tags; --limit N
  privacy                             the privacy level; --level NONE|LIMITED|FULL, --retention-days N
  export DIR                          write everything as JSON plus a copy of the .sqlite file into DIR
  delete-everything --yes             delete the database and every copy of it

Options:
  --data DIR   the database directory (default: $CORGI_DATA or ~/.corgi-cli)
  --json       print JSON instead of text
  --help       this text`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Readonly<Record<string, string | undefined>>;
}

class UsageError extends Error {}

const OPTIONS = {
  data: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
  account: { type: 'string' },
  timeline: { type: 'string', default: 'home' },
  id: { type: 'string' },
  name: { type: 'string' },
  default: { type: 'boolean', default: false },
  chronological: { type: 'boolean', default: false },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  level: { type: 'string' },
  'retention-days': { type: 'string' },
  yes: { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive whole number.`);
  return n;
}

export interface StatusFile {
  statuses: unknown[];
  /** Lines of a JSON Lines file that are not JSON: refused alone, the others read. */
  notJson: { line: number; error: string }[];
}

/** Status JSON from a file: a JSON array, a single object, or one object per line. */
export function readStatusFile(file: string): StatusFile {
  const text = fs.readFileSync(file, 'utf8').trim();
  if (text === '') return { statuses: [], notJson: [] };
  try {
    const parsed: unknown = JSON.parse(text);
    return { statuses: Array.isArray(parsed) ? parsed : [parsed], notJson: [] };
  } catch {
    // Not one JSON document: read it as JSON Lines, each line on its own.
  }
  const read: StatusFile = { statuses: [], notJson: [] };
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      read.statuses.push(JSON.parse(line) as unknown);
    } catch (error) {
      read.notJson.push({ line: index + 1, error: (error as Error).message });
    }
  });
  if (read.statuses.length === 0 && read.notJson.length > 0) {
    const first = read.notJson[0]!;
    throw new UsageError(`${file}:${first.line}: not JSON (${first.error}).`);
  }
  return read;
}

function formatPost(post: PostView): string {
  const when = new Date(post.createdAt).toISOString().slice(0, 16).replace('T', ' ');
  const boost = post.boostedBy ? ` (boosted by @${post.boostedBy.acct})` : '';
  const warning = post.spoilerText ? `[CW: ${post.spoilerText}] ` : '';
  const text = post.contentText.replace(/\s+/g, ' ').trim();
  const clipped = text.length > 160 ? `${text.slice(0, 159)}…` : text;
  const counts = `↩ ${post.replies}  ⟳ ${post.reblogs}  ★ ${post.favourites}`;
  return `${when}  @${post.author.acct}${boost}\n  ${warning}${clipped}\n  ${counts}  ${post.url ?? post.uri}`;
}

async function defaultAccountId(api: RendererApi): Promise<number> {
  const accounts = await api.accounts.list();
  const account = accounts.find((a) => a.isDefault) ?? accounts[0];
  if (!account) throw new UsageError('No account yet: add one with `add-account ACCT@SERVER --id ID`.');
  return account.id;
}

/**
 * What a person types reaches the screen's commands as the page's calls do, parsed at the edge;
 * adding accounts and posts by hand is the engine's own business.
 */
async function run(
  api: RendererApi,
  engineApi: EngineApi,
  command: string,
  rest: string[],
  values: Values,
  io: CliIo,
) {
  const print = (json: unknown, text: () => string) =>
    io.out(values.json ? JSON.stringify(json, null, 2) : text());
  switch (command) {
    case 'status': {
      const status = await api.status();
      return print(
        status,
        () =>
          `${status.state} · schema ${status.schemaVersion} · ${status.statuses} posts · ${status.storage}` +
          (status.detail ? `\n${status.detail}` : ''),
      );
    }
    case 'accounts': {
      const accounts = await api.accounts.list();
      return print(accounts, () =>
        accounts.length === 0
          ? 'No accounts.'
          : accounts
              .map((a) => `${a.id}  @${a.acct}  ${a.displayName}${a.isDefault ? '  (default)' : ''}`)
              .join('\n'),
      );
    }
    case 'add-account': {
      const [handle] = rest;
      const match = handle ? /^@?([^@\s]+)@([^@\s]+)$/.exec(handle) : null;
      if (!match) throw new UsageError('add-account needs ACCT@SERVER, e.g. ana@mastodon.social.');
      if (!values.id) throw new UsageError('add-account needs --id, the account id on its server.');
      const account = await engineApi.accounts.upsert({
        instance: match[2]!,
        remoteId: values.id,
        acct: match[1]!,
        displayName: values.name ?? match[1]!,
        isDefault: values.default,
      });
      return print(account, () => `Account ${account.id}: @${account.acct}`);
    }
    case 'ingest': {
      if (rest.length === 0) throw new UsageError('ingest needs at least one file.');
      const accountId = positiveInt('account', values.account) ?? (await defaultAccountId(api));
      const results = [];
      for (const file of rest) {
        const { statuses, notJson } = readStatusFile(file);
        const result = await engineApi.ingest.statuses({ accountId, timeline: values.timeline, statuses });
        results.push({ file, ...result, notJson });
        if (!values.json) {
          io.out(
            `${file}: ${result.inserted} new, ${result.updated} updated, ${result.unchanged} unchanged, ` +
              `${result.rejected.length} rejected` +
              (notJson.length > 0
                ? `, ${notJson.length} ${notJson.length === 1 ? 'line' : 'lines'} not JSON`
                : ''),
          );
          for (const bad of notJson) io.err(`  ${file}:${bad.line}: not JSON (${bad.error})`);
          for (const r of result.rejected) io.err(`  #${r.index} (${r.remoteId ?? 'no id'}): ${r.error}`);
        }
      }
      if (values.json) io.out(JSON.stringify(results, null, 2));
      return;
    }
    case 'timeline': {
      const page = await api.timeline.page({
        order: values.chronological ? 'chronological' : 'ranked',
        limit: positiveInt('limit', values.limit) ?? 20,
        cursor: values.cursor ?? null,
      });
      return print(page, () =>
        page.posts.length === 0
          ? 'No posts.'
          : page.posts.map(formatPost).join('\n\n') +
            (page.nextCursor ? `\n\nMore: --cursor ${page.nextCursor}` : ''),
      );
    }
    case 'search': {
      const query = rest.join(' ').trim();
      if (!query) throw new UsageError('search needs a query.');
      const posts = await api.search.posts(query, positiveInt('limit', values.limit) ?? 20);
      return print(posts, () => (posts.length === 0 ? 'Nothing found.' : posts.map(formatPost).join('\n\n')));
    }
    case 'privacy': {
      const level = values.level?.toUpperCase();
      if (level !== undefined && !(PRIVACY_LEVELS as readonly string[]).includes(level)) {
        throw new UsageError(`--level must be one of ${PRIVACY_LEVELS.join(', ')}.`);
      }
      const retentionDays = positiveInt('retention-days', values['retention-days']);
      const settings =
        level !== undefined || retentionDays !== undefined
          ? await api.privacy.set({
              ...(level !== undefined ? { level: level as PrivacyLevel } : {}),
              ...(retentionDays !== undefined ? { retentionDays } : {}),
            })
          : await api.privacy.get();
      return print(settings, () => `${settings.level}, raw interactions kept ${settings.retentionDays} days`);
    }
    case 'export': {
      const [dir] = rest;
      if (!dir) throw new UsageError('export needs a directory to write into.');
      const bundle = await api.privacy.exportEverything();
      fs.mkdirSync(dir, { recursive: true });
      const jsonFile = path.join(dir, `${bundle.fileName}.json`);
      const sqliteFile = path.join(dir, `${bundle.fileName}.sqlite`);
      fs.writeFileSync(jsonFile, bundle.json);
      fs.writeFileSync(sqliteFile, bundle.sqlite);
      return print({ json: jsonFile, sqlite: sqliteFile }, () => `Wrote ${jsonFile}\nWrote ${sqliteFile}`);
    }
    case 'delete-everything': {
      if (!values.yes) throw new UsageError('delete-everything deletes every post and setting: add --yes.');
      await api.privacy.deleteEverything();
      return print({ deleted: true }, () => 'Deleted everything.');
    }
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

/** Runs one command; returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  const directory = path.resolve(values.data ?? io.env.CORGI_DATA ?? path.join(os.homedir(), '.corgi-cli'));
  fs.mkdirSync(directory, { recursive: true });
  const engine = await openNodeEngine({ directory });
  try {
    const api = createWorkerApi(engine);
    await run(createRendererApi(api), engineApiOf(api), command, rest, values, io);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`corgi: ${message}`);
    return 1;
  } finally {
    await engine.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l), env: process.env };
  process.exitCode = await runCli(process.argv.slice(2), io);
}
