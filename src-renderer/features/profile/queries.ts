import { queryOptions } from '@tanstack/react-query';
import type { ProfileView, RelationAction } from '../../../src-shared/worker-api';
import { engine } from '../../app/engine';
import { keys, queryClient } from '../../app/query';
import { useUi } from '../../state/store';

/**
 * Someone's profile from the server (asked again when the screen opens after five minutes); the
 * posts it brings are stored, and the list of their posts is read again to show them.
 */
export const profileQuery = (acct: string) =>
  queryOptions({
    queryKey: keys.profile(acct),
    queryFn: async () => {
      const profile = await engine().mastodon.profile(acct);
      if (profile.fetched > 0) void queryClient.invalidateQueries({ queryKey: keys.list({ author: acct }) });
      return profile;
    },
    staleTime: 5 * 60_000,
  });

/** Follows, mutes or blocks (or undoes it); the profile shows the server's answer. */
export async function relate(profile: ProfileView, action: RelationAction): Promise<void> {
  try {
    const relationship = await engine().mastodon.relate({
      accountId: profile.viaAccountId,
      acct: profile.acct,
      action,
    });
    queryClient.setQueryData(keys.profile(profile.acct), { ...profile, relationship });
  } catch (error) {
    useUi.getState().report(error);
  }
}
