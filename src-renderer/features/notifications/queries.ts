import { queryOptions } from '@tanstack/react-query';
import { engine } from '../../app/engine';
import { keys } from '../../app/query';

/**
 * Notifications of these kinds (all for none), grouped. Kept while the app runs, so that the screen
 * opens at once with what was read last, and reads again behind it when that has gone stale.
 */
export const notificationGroupsQuery = (types: readonly string[]) =>
  queryOptions({
    queryKey: ['notifications', types],
    queryFn: () => engine().notifications.groups({ types: [...types], limit: 60 }),
    gcTime: Number.POSITIVE_INFINITY,
  });

/** Notifications since they were last seen, for the badge on the way to them. */
export const unreadNotificationsQuery = queryOptions({
  queryKey: keys.unreadNotifications,
  queryFn: () => engine().notifications.unread(),
});
