/**
 * One job of bench/scale-page/worker.ts (an import into OPFS, or a measurement) in a module worker
 * of its own, ended when it answers, so that the next job starts in a fresh worker on a pool no one
 * holds. When a measuring worker reaches its memory point, `memoryPoint` runs before it goes on.
 */
import type { ImportRequest, ImportResult, MeasureRequest, WorkerMeasurement, ScaleMessage } from './worker';

export function runWorker(request: ImportRequest): Promise<ImportResult>;
export function runWorker(
  request: MeasureRequest,
  memoryPoint: () => Promise<void>,
): Promise<WorkerMeasurement>;
export function runWorker(
  request: ImportRequest | MeasureRequest,
  memoryPoint?: () => Promise<void>,
): Promise<ImportResult | WorkerMeasurement> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<ScaleMessage>) => {
      const message = event.data;
      if (message.type === 'memory') {
        (memoryPoint ?? (async () => undefined))().then(
          () => worker.postMessage({ type: 'go-on' }),
          (error: unknown) => {
            worker.terminate();
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      } else {
        worker.terminate();
        if (message.type === 'done') resolve(message.result);
        else reject(new Error(message.message));
      }
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`worker failed: ${event.message}`));
    };
    worker.postMessage(request);
  });
}
