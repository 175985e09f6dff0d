/**
 * What the benchmarks that run in Debian's Chromium share: a page built with vite and served over
 * loopback HTTP beside a database file (bench/scale-page imports it into OPFS), and Chromium's
 * memory, read from /proc and over CDP.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CDPSession } from 'playwright-core';
import { DATABASE_FILE } from '../src-worker/host';
import { serveDirectory, type StaticServer } from '../test/support/static-server';
import { buildBenchPage } from './build-page';

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const round = (x: number): number => Math.round(x * 10) / 10;
export const MB = 1048576;

/**
 * Builds the page in `folder` into `outDir` (a fresh directory by default) and serves that
 * directory, with `database` beside the page under the app's file name (a link, not a copy: it
 * stays as built). `close` stops the server and removes what was built.
 */
export async function servePageWithDatabase(
  folder: string,
  database: string,
  options: { root?: string; outDir?: string } = {},
): Promise<StaticServer> {
  const dist = buildBenchPage(folder, options.outDir);
  const served = path.join(dist, DATABASE_FILE);
  fs.symlinkSync(path.resolve(database), served);
  const server = await serveDirectory(options.root ?? dist);
  return {
    url: server.url,
    async close() {
      await server.close();
      fs.unlinkSync(served);
      fs.rmSync(dist, { recursive: true, force: true });
    },
  };
}

export function readProc(pid: number, file: string): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/**
 * The processes of the Chromium started on `profileDir`, from /proc: its browser process and every
 * process below it (renderers, GPU, utility, network), with their command lines; none when it is
 * not running.
 */
export function chromiumProcesses(profileDir: string): { pid: number; cmdline: string }[] {
  const parent = new Map<number, number>();
  const commands = new Map<number, string>();
  let root: number | null = null;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readProc(pid, 'stat');
    const cmdline = readProc(pid, 'cmdline');
    if (!stat || cmdline === null) continue;
    parent.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    commands.set(pid, cmdline);
    if (cmdline.includes(`--user-data-dir=${profileDir}`) && !cmdline.includes('--type=')) root = pid;
  }
  if (root === null) return [];
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return [...tree].map((pid) => ({ pid, cmdline: commands.get(pid)! }));
}

/**
 * The resident memory of the Chromium started on `profileDir`, from /proc: the sum of VmRSS over
 * its whole process tree (pages shared between processes, such as the executable's, counted once
 * per process: an upper bound), and the renderers' largest.
 */
export function chromiumRss(profileDir: string): { treeMb: number; rendererMb: number } {
  const processes = chromiumProcesses(profileDir);
  if (processes.length === 0) throw new Error(`no Chromium on ${profileDir}`);
  let total = 0;
  let renderer = 0;
  for (const { pid, cmdline } of processes) {
    const kb = Number(readProc(pid, 'status')?.match(/^VmRSS:\s+(\d+)/m)?.[1] ?? 0);
    total += kb;
    if (cmdline.includes('--type=renderer')) renderer = Math.max(renderer, kb);
  }
  return { treeMb: total / 1024, rendererMb: renderer / 1024 };
}

/** The JS heap in use of the page's main thread, after a garbage collection, over CDP. */
export async function pageHeapMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  return heap.usedSize / MB;
}

/**
 * The JS heap in use of the page's one dedicated worker, after a garbage collection, over CDP:
 * workers have no performance.memory. Playwright owns the flat sessions, so this attaches the old
 * non-flat way and talks through Target.sendMessageToTarget (as bench/engine.ts does).
 */
export async function workerHeapMb(cdp: CDPSession): Promise<number> {
  const { targetInfos } = await cdp.send('Target.getTargets');
  const workers = targetInfos.filter((t) => t.type === 'worker');
  if (workers.length !== 1) throw new Error(`expected one worker, found ${workers.length}`);
  const { sessionId } = await cdp.send('Target.attachToTarget', {
    targetId: workers[0]!.targetId,
    flatten: false,
  });
  const pending = new Map<number, (message: { result?: unknown; error?: unknown }) => void>();
  const listener = (event: { sessionId?: string; message: string }) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message);
  };
  cdp.on('Target.receivedMessageFromTarget', listener);
  let nextId = 1;
  const call = async (method: string): Promise<unknown> => {
    const id = nextId++;
    let timer: NodeJS.Timeout | undefined;
    const answer = new Promise<{ result?: unknown; error?: unknown }>((resolve, reject) => {
      pending.set(id, resolve);
      timer = setTimeout(() => reject(new Error(`${method}: no answer from the worker`)), 60_000);
    });
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
    const message = await answer.finally(() => clearTimeout(timer));
    pending.delete(id);
    if (message.error) throw new Error(`${method}: ${JSON.stringify(message.error)}`);
    return message.result;
  };
  try {
    await call('HeapProfiler.collectGarbage');
    const heap = (await call('Runtime.getHeapUsage')) as { usedSize: number };
    return heap.usedSize / MB;
  } finally {
    cdp.off('Target.receivedMessageFromTarget', listener);
    await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
  }
}
