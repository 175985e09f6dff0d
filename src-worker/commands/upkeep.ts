import type { WorkerApi } from '../../src-shared/worker-api';
import { dropOldPosts } from '../store/retention';
import type { CommandContext } from './context';

export function upkeepCommands({ engine, deletingWrite }: CommandContext): WorkerApi['upkeep'] {
  return {
    checkIntegrity: () => engine.checkSlice(),
    idleMs: async () => (engine.lastCallAt === 0 ? Number.POSITIVE_INFINITY : Date.now() - engine.lastCallAt),
    dropOldPosts: async () => {
      const result = await deletingWrite((tx, now, dropped) => dropOldPosts(tx, now, dropped));
      // The room they took goes back to the disk (in a database made since it could).
      if (result.dropped > 0) await engine.write((tx) => tx.exec('PRAGMA incremental_vacuum'));
      return result;
    },
  };
}
