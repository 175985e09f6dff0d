import type { WorkerApi } from '../../src-shared/worker-api';
import { notificationGroups } from '../store/notifications';
import type { CommandContext } from './context';

export function notificationCommands({ engine }: CommandContext): WorkerApi['notifications'] {
  return {
    groups: (query) => engine.read((tx) => notificationGroups(tx, query)),
  };
}
