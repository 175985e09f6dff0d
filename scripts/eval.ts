/**
 * npm run eval -- --data DIR [--dump FILE]
 * Replays a dataset and compares Corgi's ranker with chronological order and the peers; the last
 * line is one JSON object (see eval/evaluate.ts for the protocol).
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { DatasetError, readDataset } from '../eval/dataset';
import { evaluate } from '../eval/evaluate';

const { values } = parseArgs({ options: { data: { type: 'string' }, dump: { type: 'string' } } });
if (!values.data) {
  console.error('Usage: npm run eval -- --data DIR [--dump FILE]');
  process.exit(2);
}
try {
  const started = performance.now();
  const data = await readDataset(values.data);
  const dump = values.dump ? createWriteStream(values.dump) : null;
  const result = evaluate(data, dump ? (line) => dump.write(JSON.stringify(line) + '\n') : undefined);
  if (dump) await new Promise<void>((resolve) => dump.end(resolve));
  for (const [name, m] of Object.entries({ ...result.rankers, ...result.ablations })) {
    console.log(
      `${name.padEnd(24)} ndcg@20 ${m.ndcg20.toFixed(4)}  recall@50 ${m.recall50.toFixed(4)}  mrr ${m.mrr.toFixed(4)}`,
    );
  }
  console.log(
    `${result.queries} user-days from ${result.users} people in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(JSON.stringify(result));
} catch (error) {
  if (error instanceof DatasetError) {
    console.error(`Bad dataset: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
