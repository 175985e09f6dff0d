/**
 * npm run gen:dataset -- --out DIR --seed N [--users N --authors N --days N --train-days N]
 * Writes a synthetic dataset in the evaluation's format (see the README).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_GENERATE, generateDataset } from '../eval/generate-dataset';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    seed: { type: 'string', default: '1' },
    users: { type: 'string' },
    authors: { type: 'string' },
    days: { type: 'string' },
    'train-days': { type: 'string' },
  },
});
if (!values.out) {
  console.error('Usage: npm run gen:dataset -- --out DIR --seed N');
  process.exit(2);
}
const number = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`--${name} must be a positive integer, got ${value}`);
    process.exit(2);
  }
  return n;
};
const options = {
  seed: number(values.seed, 1, 'seed'),
  users: number(values.users, DEFAULT_GENERATE.users, 'users'),
  authors: number(values.authors, DEFAULT_GENERATE.authors, 'authors'),
  days: number(values.days, DEFAULT_GENERATE.days, 'days'),
  trainDays: number(values['train-days'], DEFAULT_GENERATE.trainDays, 'train-days'),
  topics: DEFAULT_GENERATE.topics,
};
if (options.trainDays >= options.days) {
  console.error('--train-days must be less than --days');
  process.exit(2);
}
const files = generateDataset(options);
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'statuses.jsonl'), files.statuses.join('\n') + '\n');
writeFileSync(join(values.out, 'users.jsonl'), files.users.join('\n') + '\n');
writeFileSync(join(values.out, 'timeline.jsonl'), files.timeline.join('\n') + '\n');
writeFileSync(join(values.out, 'events.jsonl'), files.events.join('\n') + '\n');
writeFileSync(join(values.out, 'split.json'), files.split + '\n');
console.log(
  JSON.stringify({
    out: values.out,
    seed: options.seed,
    statuses: files.statuses.length,
    users: files.users.length,
    timeline: files.timeline.length,
    events: files.events.length,
  }),
);
