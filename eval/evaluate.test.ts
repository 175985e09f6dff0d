import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDataset } from './dataset';
import { evaluate, type DumpLine } from './evaluate';
import { generateDataset } from './generate-dataset';
import { addQuery, emptySums, means, ndcgAt, recallAt, reciprocalRank } from './metrics';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function writeDataset(seed: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corgi-eval-'));
  dirs.push(dir);
  const files = generateDataset({ seed, users: 12, authors: 200, days: 10, trainDays: 6, topics: 8 });
  fs.writeFileSync(path.join(dir, 'statuses.jsonl'), files.statuses.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'users.jsonl'), files.users.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'timeline.jsonl'), files.timeline.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'events.jsonl'), files.events.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'split.json'), files.split);
  return dir;
}

describe('metrics', () => {
  it('computes NDCG@k, recall@k and reciprocal rank over binary relevance', () => {
    const relevant = new Set(['b', 'd']);
    expect(ndcgAt(['b', 'd', 'a'], relevant, 20)).toBe(1);
    expect(ndcgAt(['a', 'b', 'c', 'd'], relevant, 20)).toBeCloseTo(
      (1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3)),
      10,
    );
    expect(recallAt(['a', 'b', 'c', 'd'], relevant, 2)).toBe(0.5);
    expect(reciprocalRank(['a', 'c', 'd'], relevant)).toBeCloseTo(1 / 3, 10);
  });
});

describe('npm run eval', () => {
  it('ranks a generated dataset better than chronological order, and the dump recomputes the metrics', async () => {
    const dir = writeDataset(3);
    const lines: DumpLine[] = [];
    const result = evaluate(await readDataset(dir), (line) => lines.push(line));
    expect(result.queries).toBeGreaterThan(20);
    expect(Object.keys(result.rankers).sort()).toEqual([
      'chronological',
      'corgi_original',
      'fedialgo',
      'mastodon_digest',
      'ours',
    ]);
    expect(result.rankers.ours!.ndcg20).toBeGreaterThan(result.rankers.chronological!.ndcg20);
    expect(result.ours_vs_chronological).toBeGreaterThan(1.2);
    // Anyone can recompute the numbers from the dump.
    expect(lines).toHaveLength(result.queries);
    for (const name of Object.keys(result.rankers)) {
      const sums = emptySums();
      for (const line of lines) addQuery(sums, line.rankers[name]!, new Set(line.relevant));
      expect(means(sums)).toEqual(result.rankers[name]);
    }
    for (const line of lines) {
      expect(new Set(line.rankers.ours).size).toBe(line.rankers.chronological!.length);
      expect([...line.rankers.ours!].sort()).toEqual([...line.rankers.chronological!].sort());
    }
  });

  it('gives the same numbers for the same dataset', async () => {
    const dir = writeDataset(4);
    expect(evaluate(await readDataset(dir))).toEqual(evaluate(await readDataset(dir)));
  });

  it('names the file and line of a malformed dataset', async () => {
    const dir = writeDataset(5);
    const events = fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8').split('\n');
    events[6] = JSON.stringify({
      user: 'reader0@corgi.example',
      status_id: '1',
      type: 'poke',
      at: '2026-10-02T00:00:00Z',
    });
    fs.writeFileSync(path.join(dir, 'events.jsonl'), events.join('\n'));
    await expect(readDataset(dir)).rejects.toThrow(/^events\.jsonl:7: type: /);
    events[6] = '{not json';
    fs.writeFileSync(path.join(dir, 'events.jsonl'), events.join('\n'));
    await expect(readDataset(dir)).rejects.toThrow(/^events\.jsonl:7: not JSON/);
    const statuses = fs.readFileSync(path.join(dir, 'statuses.jsonl'), 'utf8').split('\n');
    statuses[2] = JSON.stringify({ ...JSON.parse(statuses[2]!), created_at: 'yesterday' });
    fs.writeFileSync(path.join(dir, 'statuses.jsonl'), statuses.join('\n'));
    await expect(readDataset(dir)).rejects.toThrow(/^statuses\.jsonl:3: created_at/);
    fs.rmSync(path.join(dir, 'split.json'));
    await expect(readDataset(dir)).rejects.toThrow(/^statuses\.jsonl:3|^split\.json: missing/);
  });
});
