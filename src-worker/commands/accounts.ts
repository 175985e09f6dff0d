import type { WorkerApi } from '../../src-shared/worker-api';
import {
  listAccounts,
  removeAccount,
  setAccountState,
  setDefaultAccount,
  upsertAccount,
} from '../store/accounts';
import type { CommandContext } from './context';

export function accountCommands({ engine, memory, accountsWrite }: CommandContext): WorkerApi['accounts'] {
  return {
    list: () => engine.read((tx) => listAccounts(tx)),
    upsert: (input) => accountsWrite((tx, now) => upsertAccount(tx, input, now)),
    setDefault: (accountId) => engine.write((tx) => setDefaultAccount(tx, accountId)),
    setState: (accountId, state, reason) =>
      engine.write((tx, now) => setAccountState(tx, accountId, state, reason ?? null, now)),
    remove: async (accountId) => {
      await accountsWrite((tx) => removeAccount(tx, accountId));
      // Its posts may have gone with it: their vectors are read again.
      memory.forget();
    },
  };
}
