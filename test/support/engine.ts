/**
 * The real engine in Node for tests, in memory or on a temporary directory. Engines opened here are
 * closed, and their directories removed, after each test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { createWorkerApi, type Engine } from '../../src-worker/engine';
import { openNodeEngine, type NodeEngineOptions } from '../../src-worker/node/open-node-engine';
import type { Account, AccountInput, WorkerApi } from '../../src-shared/worker-api';

export interface OpenedEngine {
  engine: Engine;
  api: WorkerApi;
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
    return { engine, api: createWorkerApi(engine) };
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
