/**
 * The bench:scale --opfs page: each job (import, then measure) in a module worker of its own
 * (run-worker.ts). When the measuring worker reaches its memory point, the page asks bench/scale.ts
 * to read the memory (window.scaleMemoryPoint, exposed by Playwright) and then lets the worker go on.
 */
import type { ImportRequest, ImportResult, MeasureRequest, WorkerMeasurement } from './worker';
import { runWorker } from './run-worker';

declare global {
  interface Window {
    scaleImport(request: ImportRequest): Promise<ImportResult>;
    scaleMeasure(request: MeasureRequest): Promise<WorkerMeasurement>;
    /** Exposed by bench/scale.ts: reads Chromium's memory while the worker waits. */
    scaleMemoryPoint(): Promise<void>;
  }
}

window.scaleImport = (request) => runWorker(request);
window.scaleMeasure = (request) => runWorker(request, () => window.scaleMemoryPoint());
