/**
 * The bench page: starts one module worker per run, relays its progress to the console (which
 * bench/engine.ts prints), measures memory when the worker asks, and resolves with its result.
 */
import type { OpfsMessage, OpfsRunRequest, OpfsRunResult, UserAgentMemory } from './worker';

declare global {
  interface Window {
    runOpfsBench(request: OpfsRunRequest): Promise<OpfsRunResult>;
  }
}

interface MemoryMeasurement {
  bytes: number;
  breakdown: { bytes: number; attribution: { scope?: string }[] }[];
}

/** measureUserAgentSpecificMemory() needs cross-origin isolation; it resolves after a GC. */
async function measurePage(): Promise<UserAgentMemory | null> {
  const perf = performance as unknown as {
    measureUserAgentSpecificMemory?: () => Promise<MemoryMeasurement>;
  };
  if (!perf.measureUserAgentSpecificMemory || !crossOriginIsolated) return null;
  const started = performance.now();
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 60_000));
  const measured = await Promise.race([perf.measureUserAgentSpecificMemory().catch(() => null), timeout]);
  if (!measured) return null;
  let worker = 0;
  for (const entry of measured.breakdown) {
    if (entry.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope')) worker += entry.bytes;
  }
  return { totalMb: measured.bytes / 1048576, workerMb: worker / 1048576, ms: performance.now() - started };
}

window.runOpfsBench = (request) =>
  new Promise<OpfsRunResult>((resolve, reject) => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    let userAgentMemory: UserAgentMemory | null = null;
    worker.onmessage = (event: MessageEvent<OpfsMessage>) => {
      const message = event.data;
      if (message.type === 'progress') {
        console.log(message.line);
      } else if (message.type === 'measure') {
        void measurePage().then((m) => {
          userAgentMemory = m;
          worker.postMessage({ type: 'measured' });
        });
      } else {
        worker.terminate();
        if (message.type === 'done') resolve({ ...message.result, userAgentMemory });
        else reject(new Error(message.message));
      }
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`worker failed: ${event.message}`));
    };
    worker.postMessage(request);
  });
