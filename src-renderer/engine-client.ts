/**
 * Starts the data worker and wraps what the screen may call of it (`RendererApi`).
 */
import * as Comlink from 'comlink';
import { HOME_FIRST_WORKER, type RendererApi } from '../src-shared/worker-api';

/**
 * Every RendererApi command already returns a promise, so the comlink proxy has exactly the
 * interface's shape, nested groups included; comlink's own Remote type would wrap the groups in
 * promises it does not actually create.
 */
export type EngineClient = RendererApi;

export function startEngine(options: { homeFirst?: boolean } = {}): { api: EngineClient; worker: Worker } {
  const worker = new Worker(new URL('../src-worker/worker.ts', import.meta.url), {
    type: 'module',
    // Told so, the worker reads the home timeline's first page, and sends it, before it loads the
    // engine (src-worker/worker.ts).
    name: options.homeFirst ? HOME_FIRST_WORKER : 'corgi-data',
  });
  return { api: Comlink.wrap<RendererApi>(worker) as unknown as RendererApi, worker };
}
