/**
 * The real engine in Node for tests, in memory or on a temporary directory. Engines opened here are
 * closed, and their directories removed, after each test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { createWorkerApi, type Engine } from '../../src-worker/engine';
import { createRendererApi } from '../../src-worker/edge';
import { openNodeEngine, type NodeEngineOptions } from '../../src-worker/node/open-node-engine';
import type { Account, AccountInput, RendererApi, WorkerApi } from '../../src-shared/worker-api';

export interface OpenedEngine {
  engine: Engine;
  api: WorkerApi;
  /** The same commands as the page reaches them: arguments parsed at the worker's edge. */
  renderer: RendererApi;
}

export function useTestEngines() {
  const engines: Engine[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close();
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(options: NodeEngineOptions = {}): Promise<OpenedEngine> {
    const engine = await openNodeEngine(options);
    engines.push(engine);
    const api = createWorkerApi(engine);
    return { engine, api, renderer: createRendererApi(api) };
  }

  return {
    open,
    /** An engine with one signed-in account on mastodon.social. */
    async openWithAccount(
      options: NodeEngineOptions = {},
      account: Partial<AccountInput> = {},
    ): Promise<OpenedEngine & { account: Account }> {
      const opened = await open(options);
      const created = await opened.api.accounts.upsert({
        instance: 'mastodon.social',
        remoteId: '1',
        acct: 'me',
        displayName: '',
        ...account,
      });
      return { ...opened, account: created };
    },
    tempDir(): string {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corgi-test-'));
      dirs.push(dir);
      return dir;
    },
  };
}
