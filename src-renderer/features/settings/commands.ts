import type { PrivacySettings, RankingSettingsPatch } from '../../../src-shared/worker-api';
import { engine } from '../../app/engine';
import { keys, queryClient } from '../../app/query';
import { useUi } from '../../state/store';

/** A new preset or weight re-ranks the timeline: the person asked for it, so it is shown at once. */
export async function updateRanking(patch: RankingSettingsPatch): Promise<void> {
  try {
    queryClient.setQueryData(keys.ranking, await engine().ranking.update(patch));
    await queryClient.resetQueries({ queryKey: ['timeline'] });
  } catch (error) {
    useUi.getState().report(error);
  }
}

export async function updatePrivacy(settings: Partial<PrivacySettings>): Promise<void> {
  try {
    queryClient.setQueryData(keys.privacy, await engine().privacy.set(settings));
    useUi.getState().dismissError();
  } catch (error) {
    useUi.getState().report(error);
  }
}

/** Every post, interaction and setting gone from this computer, and from the screen's memory too. */
export async function deleteEverything(): Promise<boolean> {
  try {
    await engine().privacy.deleteEverything();
    useUi.getState().reset();
    await queryClient.resetQueries();
    return true;
  } catch (error) {
    useUi.getState().report(error);
    return false;
  }
}
