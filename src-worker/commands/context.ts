/**
 * What every group of commands shares: the engine, the ranking's memory, and the writes that keep
 * that memory in step with the database.
 */
import type { Tx } from '../db/database';
import type { Engine } from '../engine';
import { forgetModelSnapshot, RankingMemory } from '../rank/ranking-store';
import type { MastodonCommands } from './mastodon';

type Work<T> = (tx: Tx, now: number) => Promise<T>;

export interface CommandContext {
  engine: Engine;
  memory: RankingMemory;
  /** The Mastodon side, where the platform provides one (the app's worker). */
  mastodon: (() => MastodonCommands) | undefined;
  /** A write that may bring the ranking's memory up to date: if it rolls back, that memory goes too. */
  rankingWrite<T>(work: Work<T>): Promise<T>;
  /** A change to the signed-in accounts: whose timelines the person model reads. */
  accountsWrite<T>(work: Work<T>): Promise<T>;
  /**
   * A write that may delete posts: their vectors leave memory at once, and the person model, which
   * learned from them, is built again; if it rolls back, the vectors are read again.
   */
  deletingWrite<T>(
    work: (tx: Tx, now: number, tombstoned: (statusId: number) => void) => Promise<T>,
  ): Promise<T>;
}

export function createCommandContext(engine: Engine, mastodon?: () => MastodonCommands): CommandContext {
  const memory = new RankingMemory();
  // Whatever makes the person model wrong deletes its saved snapshot in the same transaction
  // (`forgetModelSnapshot`): the model in memory goes when that commits.
  engine.onChange((written) => {
    if (written.get('person_model_snapshot')?.has('delete')) memory.forgetModel();
  });
  return {
    engine,
    memory,
    mastodon,
    rankingWrite: (work) =>
      engine.write(work).catch((error: unknown) => {
        memory.forgetModel();
        throw error;
      }),
    accountsWrite: (work) =>
      engine.write(async (tx, now) => {
        const done = await work(tx, now);
        await forgetModelSnapshot(tx);
        return done;
      }),
    deletingWrite: async (work) => {
      let emptied = false;
      const tombstoned = (statusId: number): void => {
        memory.index.delete(statusId);
        emptied = true;
      };
      try {
        return await engine.write(async (tx, now) => {
          const done = await work(tx, now, tombstoned);
          if (emptied) await forgetModelSnapshot(tx);
          return done;
        });
      } catch (error) {
        if (emptied) memory.forget();
        throw error;
      }
    },
  };
}
