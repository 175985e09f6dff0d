import type { WorkerApi } from '../../src-shared/worker-api';
import { DATABASE_FILE, vfsFileSize } from '../host';
import { retentionView, setKeepMonths } from '../store/retention';
import type { CommandContext } from './context';

export function storageCommands({ engine }: CommandContext): WorkerApi['storage'] {
  return {
    retention: async (months) => {
      const bytes = (await vfsFileSize(engine.host.vfs, DATABASE_FILE)) ?? 0;
      return engine.read((tx, now) => retentionView(tx, now, months, bytes));
    },
    setRetention: async (months) => {
      await engine.write((tx) => setKeepMonths(tx, months));
      const bytes = (await vfsFileSize(engine.host.vfs, DATABASE_FILE)) ?? 0;
      return engine.read((tx, now) => retentionView(tx, now, undefined, bytes));
    },
  };
}
