import type { WorkerApi } from '../../src-shared/worker-api';
import { domainsOf } from '../changes';
import type { CommandContext } from './context';

export function eventCommands({ engine }: CommandContext): WorkerApi['events'] {
  let listeners = 0;
  const subscriptions = new Map<number, () => void>();
  return {
    subscribe: async (listener) => {
      const id = ++listeners;
      const stop = engine.onChange((written) => {
        const domains = domainsOf(written);
        if (domains.length === 0) return;
        try {
          void Promise.resolve(listener({ domains })).catch(() => undefined);
        } catch {
          // A listener that can no longer be called (its page went): it stops hearing.
          stop();
          subscriptions.delete(id);
        }
      });
      subscriptions.set(id, stop);
      // The first page this start opened with was found older than the database before the page
      // subscribed: it hears so now (kept-page.ts).
      if (engine.keeper?.servedWasOlder)
        void Promise.resolve(listener({ domains: ['firstPage'] })).catch(() => undefined);
      return id;
    },
    unsubscribe: async (id) => {
      subscriptions.get(id)?.();
      subscriptions.delete(id);
    },
  };
}
