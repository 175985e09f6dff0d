import type { WorkerApi } from '../../src-shared/worker-api';
import { ingestStatuses } from '../ingest/ingest-statuses';
import { applyDeletions } from '../store/accounts';
import { newestNotification, saveNotifications } from '../store/notifications';
import type { CommandContext } from './context';

export function ingestCommands({ engine, deletingWrite }: CommandContext): WorkerApi['ingest'] {
  return {
    statuses: (page) => engine.write((tx, now) => ingestStatuses(tx, page, now)),
    deletions: (accountId, remoteIds) =>
      deletingWrite((tx, now, tombstoned) => applyDeletions(tx, accountId, remoteIds, now, tombstoned)),
    notifications: (accountId, notifications) =>
      engine.write((tx, now) => saveNotifications(tx, accountId, notifications, now)),
    newestNotification: (accountId) => engine.read((tx) => newestNotification(tx, accountId)),
  };
}
