import type { Account, PostView } from '../../../src-shared/worker-api';

/** The account to act through: the default one when it knows the post, else the first that does. */
export function actingAccount(post: PostView, accounts: Account[]): number | null {
  const knows = new Set(post.own.map((o) => o.accountId));
  const preferred = accounts.find((a) => a.isDefault && knows.has(a.id) && a.state === 'active');
  return preferred?.id ?? accounts.find((a) => knows.has(a.id) && a.state === 'active')?.id ?? null;
}
