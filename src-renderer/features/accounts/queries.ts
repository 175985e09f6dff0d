import { queryOptions } from '@tanstack/react-query';
import { engine } from '../../app/engine';
import { keys } from '../../app/query';

export const accountsQuery = queryOptions({
  queryKey: keys.accounts,
  queryFn: () => engine().accounts.list(),
});

/** How each account's sync goes: its state, what fails, what its server lacks. */
export const syncStatusQuery = queryOptions({
  queryKey: keys.syncStatus,
  queryFn: () => engine().mastodon.status(),
});

/** Actions the server refused, with its reasons. */
export const failedActionsQuery = queryOptions({
  queryKey: keys.failedActions,
  queryFn: () => engine().actions.list(['failed']),
});
