/** The bench page: runs the ranking workload in a module worker, as the app's worker would. */
import type { RankBenchOptions, RankBenchResult } from '../rank-workload';

declare global {
  interface Window {
    runRankBench(options: RankBenchOptions): Promise<RankBenchResult>;
  }
}

window.runRankBench = (options) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<{ result?: RankBenchResult; error?: string }>) => {
      worker.terminate();
      if (event.data.result) resolve(event.data.result);
      else reject(new Error(event.data.error ?? 'no result'));
    };
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage(options);
  });
