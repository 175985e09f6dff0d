/** Runs the ranking workload inside a dedicated worker of Chromium. */
import { runRankBench, type RankBenchOptions } from '../rank-workload';

self.onmessage = (event: MessageEvent<RankBenchOptions>) => {
  try {
    self.postMessage({ result: runRankBench(event.data) });
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
