import { queryOptions } from '@tanstack/react-query';
import { engine } from '../../app/engine';
import { keys } from '../../app/query';

/** Notifications since they were last seen, for the badge on the way to them. */
export const unreadNotificationsQuery = queryOptions({
  queryKey: keys.unreadNotifications,
  queryFn: () => engine().notifications.unread(),
});
