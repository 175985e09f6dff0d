/**
 * The bench:scale --opfs page: each job (import, then measure) in a module worker of its own, ended
 * when it answers, so that the measurement starts in a fresh worker on a pool no one holds. When
 * the measuring worker reaches its memory point, the page asks bench/scale.ts to read the memory
 * (window.scaleMemoryPoint, exposed by Playwright) and then lets the worker go on.
 */
import type { ImportRequest, ImportResult, MeasureRequest, WorkerMeasurement, ScaleMessage } from './worker';

declare global {
  interface Window {
    scaleImport(request: ImportRequest): Promise<ImportResult>;
    scaleMeasure(request: MeasureRequest): Promise<WorkerMeasurement>;
    /** Exposed by bench/scale.ts: reads Chromium's memory while the worker waits. */
    scaleMemoryPoint(): Promise<void>;
  }
}

function runWorker<T>(request: ImportRequest | MeasureRequest): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<ScaleMessage>) => {
      const message = event.data;
      if (message.type === 'memory') {
        window.scaleMemoryPoint().then(
          () => worker.postMessage({ type: 'go-on' }),
          (error: unknown) => {
            worker.terminate();
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      } else {
        worker.terminate();
        if (message.type === 'done') resolve(message.result as T);
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

window.scaleImport = (request) => runWorker<ImportResult>(request);
window.scaleMeasure = (request) => runWorker<WorkerMeasurement>(request);
