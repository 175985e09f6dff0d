import type { WorkerApi } from '../../src-shared/worker-api';
import { notificationGroups } from '../store/notifications';
import { markNotificationsRead, unreadNotifications } from '../store/reading-markers';
import type { CommandContext } from './context';

export function notificationCommands({ engine, mastodon }: CommandContext): WorkerApi['notifications'] {
  return {
    groups: (query) => engine.read((tx) => notificationGroups(tx, query)),
    markRead: async () => {
      if (await engine.write((tx, now) => markNotificationsRead(tx, now))) mastodon?.().kickMarkers();
    },
    unread: () => engine.read((tx) => unreadNotifications(tx)),
  };
}
