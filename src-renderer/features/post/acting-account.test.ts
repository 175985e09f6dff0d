import { describe, expect, it } from 'vitest';
import { actingAccount } from './acting-account';
import type { Account, PostView } from '../../../src-shared/worker-api';

const account = (id: number, extra: Partial<Account> = {}): Account => ({
  id,
  instance: 'mastodon.social',
  remoteId: String(id),
  acct: `a${id}@mastodon.social`,
  displayName: '',
  avatarUrl: null,
  isDefault: false,
  stateReason: null,
  stateSince: null,
  state: 'active',
  ...extra,
});
const seenBy = (...ids: number[]) =>
  ({
    own: ids.map((accountId) => ({ accountId, favourited: false, reblogged: false, bookmarked: false })),
  }) as PostView;

describe('the account a post is acted on through', () => {
  it('is the default account when it knows the post, else the first that does', () => {
    const accounts = [account(1), account(2, { isDefault: true }), account(3)];
    expect(actingAccount(seenBy(1, 2), accounts)).toBe(2);
    expect(actingAccount(seenBy(3, 1), accounts)).toBe(1);
  });

  it('skips accounts that must sign in again, and is none when no account knows the post', () => {
    const accounts = [account(1, { isDefault: true, state: 'needs_sign_in' }), account(2)];
    expect(actingAccount(seenBy(1, 2), accounts)).toBe(2);
    expect(actingAccount(seenBy(1), accounts)).toBeNull();
    expect(actingAccount(seenBy(), accounts)).toBeNull();
  });
});
