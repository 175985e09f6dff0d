import type { WorkerApi } from '../../src-shared/worker-api';
import { applyRetention, exportEverything, getPrivacy, setPrivacy } from '../store/privacy';
import type { CommandContext } from './context';

export function privacyCommands({ engine, memory, mastodon }: CommandContext): WorkerApi['privacy'] {
  return {
    get: () => engine.read((tx) => getPrivacy(tx)),
    set: (settings) => engine.write((tx, now) => setPrivacy(tx, settings, now)),
    applyRetention: (now) => engine.write((tx, clock) => applyRetention(tx, now ?? clock)),
    exportEverything: () => exportEverything(engine),
    deleteEverything: async () => {
      await mastodon?.().forgetEverything();
      await engine.deleteEverything();
      memory.forget();
    },
  };
}
