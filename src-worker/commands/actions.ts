import type { WorkerApi } from '../../src-shared/worker-api';
import { cancelAction, listOutbox, performAction } from '../store/outbox';
import type { CommandContext } from './context';

export function actionCommands({ engine, mastodon, deletingWrite }: CommandContext): WorkerApi['actions'] {
  return {
    perform: async (input) => {
      const item = await deletingWrite((tx, now, tombstoned) => performAction(tx, input, now, tombstoned));
      mastodon?.().kick();
      return item;
    },
    list: (states) => engine.read((tx) => listOutbox(tx, states)),
    cancel: (outboxId) => engine.write((tx, now) => cancelAction(tx, outboxId, now)),
  };
}
