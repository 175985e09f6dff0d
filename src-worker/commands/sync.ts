import type { WorkerApi } from '../../src-shared/worker-api';
import type { Tx } from '../db/database';
import { forgetModelSnapshot } from '../rank/ranking-store';
import { replaceFilters, replaceRelations, setRelation } from '../store/account-rules';
import { getSyncCursor, recentRemoteIds, saveSyncCursor, statusIdsFor } from '../store/sync-cursors';
import { keepFollowedTags, replaceLists } from '../store/timeline-sources';
import { markersToSend, saveServerMarkers } from '../store/reading-markers';
import type { CommandContext } from './context';

export function syncCommands({ engine }: CommandContext): WorkerApi['sync'] {
  return {
    cursor: (accountId, source) => engine.read((tx) => getSyncCursor(tx, accountId, source)),
    saveCursor: (accountId, update) => engine.write((tx, now) => saveSyncCursor(tx, accountId, update, now)),
    recentRemoteIds: (accountId, sinceMs, limit) =>
      engine.read((tx) => recentRemoteIds(tx, accountId, sinceMs, limit)),
    saveLists: (accountId, lists) => engine.write((tx) => replaceLists(tx, accountId, lists)),
    keepFollowedTags: (accountId, names) => engine.write((tx) => keepFollowedTags(tx, accountId, names)),
    saveFilters: (accountId, filters) =>
      engine.write((tx, now) => replaceFilters(tx, accountId, filters, now)),
    setRelation: (accountId, kind, acct, on) =>
      engine.write(async (tx) => {
        await setRelation(tx, accountId, kind, acct, on);
        if (kind === 'follow') await forgetModelSnapshot(tx);
      }),
    statusIdsFor: (accountId, remoteIds) => engine.read((tx) => statusIdsFor(tx, accountId, remoteIds)),
    markersToSend: (accountId) => engine.read((tx) => markersToSend(tx, accountId)),
    saveServerMarkers: (accountId, markers) =>
      engine.write((tx) => saveServerMarkers(tx, accountId, markers)),
    saveRelations: async (accountId, kind, accounts) => {
      // Followed authors' rates are kept apart from strangers' from the first observation on:
      // when whom the person follows changes, the model is built again.
      const follows = (tx: Tx): Promise<{ list: string | null } | undefined> =>
        tx.get(
          'SELECT group_concat(acct) AS list FROM (SELECT acct FROM account_follows WHERE account_id = ? ORDER BY acct)',
          [accountId],
        );
      return engine.write(async (tx) => {
        const before = kind === 'follow' ? await follows(tx) : undefined;
        const saved = await replaceRelations(tx, accountId, kind, accounts);
        if (kind === 'follow' && (await follows(tx))?.list !== before?.list) await forgetModelSnapshot(tx);
        return saved;
      });
    },
  };
}
