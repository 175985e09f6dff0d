import type { WorkerApi } from '../../src-shared/worker-api';
import {
  cancelAction,
  dismissAction,
  listOutbox,
  performAction,
  queueNewPost,
  retryAction,
} from '../store/outbox';
import type { CommandContext } from './context';

export function actionCommands({ engine, mastodon, deletingWrite }: CommandContext): WorkerApi['actions'] {
  return {
    perform: async (input) => {
      const item = await deletingWrite((tx, now, tombstoned) => performAction(tx, input, now, tombstoned));
      mastodon?.().kick();
      return item;
    },
    publish: async (input) => {
      const item = await engine.write((tx, now) => queueNewPost(tx, input, now));
      mastodon?.().kick();
      return item;
    },
    list: (states) => engine.read((tx) => listOutbox(tx, states)),
    cancel: (outboxId) => engine.write((tx, now) => cancelAction(tx, outboxId, now)),
    retry: async (outboxId) => {
      const item = await deletingWrite((tx, now, tombstoned) => retryAction(tx, outboxId, now, tombstoned));
      mastodon?.().kick();
      return item;
    },
    dismiss: (outboxId) => engine.write((tx) => dismissAction(tx, outboxId)),
  };
}
