/** Ranking metrics over binary relevance. */

export function ndcgAt(order: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, order.length); i++)
    if (relevant.has(order[i]!)) dcg += 1 / Math.log2(i + 2);
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

export function recallAt(order: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  for (let i = 0; i < Math.min(k, order.length); i++) if (relevant.has(order[i]!)) hits++;
  return hits / relevant.size;
}

export function reciprocalRank(order: readonly string[], relevant: ReadonlySet<string>): number {
  for (let i = 0; i < order.length; i++) if (relevant.has(order[i]!)) return 1 / (i + 1);
  return 0;
}

export interface MetricSums {
  ndcg20: number;
  recall50: number;
  mrr: number;
  queries: number;
}

export function emptySums(): MetricSums {
  return { ndcg20: 0, recall50: 0, mrr: 0, queries: 0 };
}

export function addQuery(sums: MetricSums, order: readonly string[], relevant: ReadonlySet<string>): void {
  sums.ndcg20 += ndcgAt(order, relevant, 20);
  sums.recall50 += recallAt(order, relevant, 50);
  sums.mrr += reciprocalRank(order, relevant);
  sums.queries++;
}

export function means(sums: MetricSums): { ndcg20: number; recall50: number; mrr: number } {
  const n = Math.max(1, sums.queries);
  const round = (x: number): number => Math.round((x / n) * 10000) / 10000;
  return { ndcg20: round(sums.ndcg20), recall50: round(sums.recall50), mrr: round(sums.mrr) };
}
