import type { WorkerApi } from '../../src-shared/worker-api';
import type { CommandContext } from './context';

/** The database as a whole: whether it is sound, and starting anew when it is not. */
export function databaseCommands({
  engine,
  memory,
}: CommandContext): Pick<WorkerApi, 'status' | 'recoverDamagedDatabase'> {
  return {
    status: () => engine.status(),
    recoverDamagedDatabase: async () => {
      const status = await engine.recoverDamagedDatabase();
      // What memory held came from the database that is gone.
      memory.forget();
      return status;
    },
  };
}
