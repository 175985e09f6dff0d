import type { WorkerApi } from '../../src-shared/worker-api';
import {
  feedbackOnReason,
  learnFromDayOld,
  rankingSettingsView,
  refreshFeed,
  updateRankingSettings,
} from '../rank/feed';
import { countNewPosts, embedPending } from '../rank/ranking-store';
import type { CommandContext } from './context';

export function rankingCommands({ engine, memory, rankingWrite }: CommandContext): WorkerApi['ranking'] {
  return {
    settings: () => engine.read((tx) => rankingSettingsView(tx)),
    update: (patch) =>
      rankingWrite(async (tx, now) => {
        // A ranking due to be learned from is learned from under the weights it was made with.
        await learnFromDayOld(tx, now);
        await updateRankingSettings(tx, patch);
        await refreshFeed(tx, memory, now, { learn: false });
        return rankingSettingsView(tx);
      }),
    refresh: () => rankingWrite((tx, now) => refreshFeed(tx, memory, now)),
    newPosts: () => engine.read((tx, now) => countNewPosts(tx, now)),
    feedback: (input) => rankingWrite((tx, now) => feedbackOnReason(tx, memory, input, now)),
    embedPending: (limit) =>
      engine
        .write((tx, now) => embedPending(tx, memory, now, limit))
        .catch((error: unknown) => {
          // The batch was rolled back: what it counted and indexed in memory is read again.
          memory.forget();
          throw error;
        }),
  };
}
