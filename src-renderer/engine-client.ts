/**
 * Starts the data worker and wraps it in the typed WorkerApi.
 */
import * as Comlink from 'comlink';
import type { WorkerApi } from '../src-shared/worker-api';

/**
 * Every WorkerApi command already returns a promise, so the comlink proxy has exactly the
 * interface's shape, nested groups included; comlink's own Remote type would wrap the groups in
 * promises it does not actually create.
 */
export type EngineClient = WorkerApi;

export function startEngine(): { api: EngineClient; worker: Worker } {
  const worker = new Worker(new URL('../src-worker/worker.ts', import.meta.url), {
    type: 'module',
    name: 'corgi-data',
  });
  return { api: Comlink.wrap<WorkerApi>(worker) as unknown as WorkerApi, worker };
}
